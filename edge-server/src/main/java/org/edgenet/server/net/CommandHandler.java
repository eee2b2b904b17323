package org.edgenet.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Delete;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Download;
import org.edgenet.common.message.DownloadCancel;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Leave;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.LookupPeer;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.metrics.CommandTimer;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.Services;
import org.edgenet.server.service.TicketService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Serves a joined device's commands, one at a time, each with exactly one reply. While a command's
 * disk work runs on a service thread, the connection's {@link ReadGate} holds
 * {@link ReadGate.Reason#REQUEST_RUNNING} (the gate keeps frames already decoded)
 * until the reply has been written back on the event loop. Replies the device does not read stop
 * reading too; the gate sees to that for every reply alike.
 *
 * <p>Upload chunks are the exception: reading goes on while earlier ones are written. The state
 * of an upload between its begin and its end is the connection's {@link UploadReceiver}'s; this
 * handler reads the messages and runs the begin and the end as requests. A download (DLD) is
 * opened as a request, then streamed by the connection's {@link DownloadSender} while the
 * connection is read for a cancel; any other request waits for the stream's end. What a device
 * hears on an error, and whether its connection then closes, is the {@link Disconnector}'s to decide.
 */
public final class CommandHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    /** How long a lookup waits for the audience's connection to take its ticket. */
    static final Duration TICKET_DELIVERY_TIMEOUT = Duration.ofSeconds(5);

    private final Services services;
    /** Commands served by every connection together. */
    private final TicketService tickets;
    private final Session session;
    private final ReadGate gate;
    private final Disconnector disconnector;
    /** Made at the first upload: most devices never send a file, and each joined one holds this handler. */
    private UploadReceiver uploads;
    private final MessageCommands messages;
    /** Made at the first download, for the same reason. */
    private DownloadSender downloads;
    /** A request that came during a download: served once the download has ended. */
    private Object deferred;
    private final TraceCommands trace;
    private TicketService.Mailbox mailbox;
    private CommandTimer timer;
    private boolean busy;
    private boolean left;

    public CommandHandler(Services services, TicketService tickets, Session session, ReadGate gate,
            Disconnector disconnector) {
        this.services = services;
        this.tickets = tickets;
        this.session = session;
        this.gate = gate;
        this.disconnector = disconnector;
        this.messages = new MessageCommands(services, session.name(), gate, disconnector);
        this.trace = new TraceCommands(services, session.name(), gate, disconnector);
    }

    /** The factory the server installs: one handler per joined connection, all sharing one ticket office. */
    public static CommandHandlerFactory factory(Services services) {
        return factory(services, new TicketService());
    }

    /** As {@link #factory(Services)}, with a ticket office of the caller's (one that relays, in a cluster). */
    public static CommandHandlerFactory factory(Services services, TicketService tickets) {
        return (session, gate, disconnector) -> new CommandHandler(services, tickets, session, gate, disconnector);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        mailbox = ticket -> Unasked.deliver(ch, ticket);
        tickets.attend(name(), mailbox);
        messages.start(ctx);
        trace.start(ctx);
        timer = services.metrics().commandTimer(ctx.executor().ticker());
        gate.onRequestDone(timer::finished);
    }

    private DeviceName name() {
        return session.name();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (busy) {
            // Reading is off while a command runs; a message now means the pipeline is misused.
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("message while a command is in progress");
        }
        if (downloads != null && downloads.active()) {
            duringDownload(ctx, msg);
            return;
        }
        if (msg instanceof UploadChunk chunk) {
            uploads().chunk(ctx, chunk);
            return;
        }
        timer.started(msg);
        try {
            if (uploads != null && uploads.active()) {
                duringUpload(ctx, msg);
            } else {
                command(ctx, msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
            // A reply given at once, or a refusal thrown; one from a service thread releases the gate.
            if (!gate.holds(ReadGate.Reason.REQUEST_RUNNING)) {
                timer.finished();
            }
        }
    }

    private void command(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ListActive) {
            listActive(ctx);
        } else if (msg instanceof UploadBegin begin) {
            beginUpload(ctx, begin.fileId());
        } else if (msg instanceof Compute compute) {
            compute(ctx, compute);
        } else if (msg instanceof Delete delete) {
            delete(ctx, delete.fileId());
        } else if (msg instanceof Download download) {
            download(ctx, download.fileId());
        } else if (msg instanceof DownloadCancel) {
            // The stream ended before the device's cancel arrived: nothing left to stop.
            log.debug("{} cancelled a download that was already over", name());
        } else if (msg instanceof LookupPeer lookup) {
            lookupPeer(ctx, lookup.device());
        } else if (MessageCommands.serves(msg)) {
            messages.serve(ctx, (Message) msg);
        } else if (TraceCommands.serves(msg)) {
            trace.serve(ctx, (Message) msg);
        } else if (msg instanceof Leave) {
            leave(ctx);
        } else if (msg instanceof UploadAbort) {
            // The device gave up an upload the server had already ended: nothing left to do.
            log.debug("{} aborted an upload that was already over", name());
        } else if (msg instanceof InvalidMessage invalid) {
            invalidRequest(ctx, invalid);
        } else {
            throw new UnexpectedMessageException(msg, "in command mode");
        }
    }

    private void duringUpload(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof UploadEnd) {
            uploads.end().ifPresent(ending ->
                    whenDone(ctx, ending.finish(), (count, e) -> uploads.finished(ctx, ending, count, e)));
        } else if (msg instanceof UploadAbort) {
            uploads.abort();
        } else {
            throw new UnexpectedMessageException(msg, "during an upload");
        }
    }

    /**
     * A request with a value the codec refused: its one answer is thrown to the disconnector, as
     * any refusal read here, and the session goes on.
     */
    private void invalidRequest(ChannelHandlerContext ctx, InvalidMessage invalid) {
        switch (invalid.type()) {
            case LOOKUP_PEER -> {
                log.info("{} issued UVF to an invalid name: asks where it listens", name());
                throw offline("an invalid name");
            }
            case UPLOAD_BEGIN, COMPUTE, DELETE, DOWNLOAD -> {
                log.info("{} issued an invalid {}", name(), invalid.type());
                ProtocolException refusal = invalid.refusal();
                if (invalid.type() == MessageType.UPLOAD_BEGIN) {
                    // Its chunks are dropped until its end: this refusal is the upload's one reply.
                    uploads().refused(refusal);
                }
                throw refusal;
            }
            case POST_MESSAGE -> messages.invalidRecipient(ctx);
            case UPLOAD_CONTACTS -> trace.invalidUpload(ctx, invalid);
            default -> throw new UnexpectedMessageException(invalid, "in command mode");
        }
    }

    // AED

    private void listActive(ChannelHandlerContext ctx) {
        log.info("{} issued AED", name());
        List<DeviceInfo> infos = services.registry().othersAsShown(session.device());
        ctx.writeAndFlush(new ActiveDevices(infos));
        // Values, not a string built here: the console's writer puts the line together.
        int others = infos.size();
        if (others == 0) {
            log.info("Return message: no other active edge devices");
        } else {
            log.info("Return message: {} {}", others, others == 1 ? "other active device" : "other active devices");
        }
    }

    // OUT

    private void leave(ChannelHandlerContext ctx) {
        log.info("{} issued OUT", name());
        left = true;
        messages.stop();
        trace.stop();
        whenDone(ctx, services.registry().leave(session.device()), (v, e) -> {
            if (e != null) {
                log.error("Recording that {} left failed", name(), e);
            }
            log.info("{} left", name());
            disconnector.closeAfter(ctx, new Left(name()));
        });
    }

    // UED

    private void beginUpload(ChannelHandlerContext ctx, FileId fileId) {
        log.info("{} issued UED {}", name(), fileId);
        whenDone(ctx, services.data().beginUpload(name(), fileId),
                (started, e) -> uploads().begun(ctx, fileId, started, e));
    }

    // SCS

    private void compute(ChannelHandlerContext ctx, Compute compute) {
        FileId fileId = compute.fileId();
        log.info("{} issued SCS {} {}", name(), fileId, compute.operation());
        whenDone(ctx, services.data().compute(name(), fileId, compute.operation()), (result, e) -> {
            if (e != null) {
                failed(ctx, "SCS on file " + fileId, e);
                return;
            }
            ctx.writeAndFlush(new Computed(fileId, compute.operation(), result));
            log.info("Return message: {} of file {} is {}", compute.operation(), fileId, result);
        });
    }

    // DTE

    private void delete(ChannelHandlerContext ctx, FileId fileId) {
        log.info("{} issued DTE {}", name(), fileId);
        whenDone(ctx, services.data().delete(name(), fileId), (count, e) -> {
            if (e != null) {
                failed(ctx, "DTE of file " + fileId, e);
                return;
            }
            ctx.writeAndFlush(new Deleted(fileId, count));
            log.info("Return message: file {} removed ({} samples)", fileId, count);
        });
    }

    // DLD

    private void download(ChannelHandlerContext ctx, FileId fileId) {
        log.info("{} issued DLD {}", name(), fileId);
        whenDone(ctx, services.data().openDownload(name(), fileId),
                (opened, e) -> downloads(ctx).opened(ctx, fileId, opened, e));
    }

    /**
     * While a file streams out the connection is read on, for a cancel. Any other request waits,
     * with reading held, until the stream has ended: requests are served in order, and a device
     * cannot tell a reply from a chunk in the middle of a stream.
     */
    private void duringDownload(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DownloadCancel) {
            downloads.cancel(ctx);
            ReferenceCountUtil.release(msg);
            return;
        }
        deferred = msg;
        busy = true;
        gate.hold(ReadGate.Reason.REQUEST_RUNNING);
    }

    private void afterDownload(ChannelHandlerContext ctx) {
        Object next = deferred;
        if (next == null) {
            return;
        }
        deferred = null;
        busy = false;
        channelRead(ctx, next);
        // A request served at once reads on; one that went to a service reads on once answered.
        if (!busy) {
            gate.release(ReadGate.Reason.REQUEST_RUNNING);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (downloads != null) {
            downloads.writable(ctx);
        }
        super.channelWritabilityChanged(ctx);
    }

    // UVF

    private void lookupPeer(ChannelHandlerContext ctx, DeviceName device) {
        log.info("{} issued UVF to {}: asks where it listens", name(), device);
        if (device.equals(name())) {
            throw new ProtocolException(ErrorCode.BAD_ARGUMENT, "a device cannot send a file to itself");
        }
        Optional<ActiveDevice> peer = services.registry().find(device);
        if (peer.isEmpty()) {
            throw offline(device.value());
        }
        ActiveDevice d = peer.get();
        // The audience holds the ticket before the presenter learns where to send its OFFER.
        CompletableFuture<Ticket> issued = tickets.issue(name(), d.name());
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> issued.completeExceptionally(
                new TimeoutException("the ticket was not taken")), TICKET_DELIVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        whenDone(ctx, issued, (ticket, e) -> {
            timeout.cancel(false);
            if (e != null) {
                log.debug("No ticket for {}: {}", d.name(), e.toString());
                disconnector.requestFailed(ctx, "UVF to " + d.name(), offline(d.name().value()));
                return;
            }
            ctx.writeAndFlush(new Peer(d.name(), d.ip(), d.udpPort(), ticket));
            log.info("Return message: {} listens on {} (udp {}); both hold ticket {}", d.name(), d.ip(), d.udpPort(),
                    Long.toHexString(ticket.id()));
        });
    }

    /** A name that is not valid, or whose device cannot take a ticket, is offline like any other. */
    private static ProtocolException offline(String shown) {
        return new ProtocolException(ErrorCode.DEVICE_OFFLINE, shown + " is offline");
    }

    // Plumbing

    private UploadReceiver uploads() {
        if (uploads == null) {
            uploads = new UploadReceiver(name(), gate, disconnector, services.metrics());
        }
        return uploads;
    }

    private DownloadSender downloads(ChannelHandlerContext ctx) {
        if (downloads == null) {
            downloads = new DownloadSender(name(), disconnector);
            downloads.whenIdle(() -> afterDownload(ctx));
        }
        return downloads;
    }

    /**
     * Stops reading while {@code work} runs, then runs {@code then} on the event loop and reads on;
     * runs {@code then} at once if {@code work} is already complete.
     * If the connection closed meanwhile, {@code then} still runs so it can clean up.
     */
    private <T> void whenDone(ChannelHandlerContext ctx, CompletableFuture<T> work, BiConsumer<T, Throwable> then) {
        // Work done already (SCS from a summary in memory) is answered at once by the gate.
        busy = true;
        gate.whileRunning(ctx, work, (value, error) -> {
            busy = false;
            then.accept(value, error);
        });
    }

    /** The device hears the services' refusal, or that the server failed; the session goes on. */
    private void failed(ChannelHandlerContext ctx, String what, Throwable e) {
        disconnector.requestFailed(ctx, what + " for " + name(), e);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        messages.stop();
        trace.stop();
        if (uploads != null) {
            uploads.closed();
        }
        if (downloads != null) {
            downloads.closed();
        }
        ReferenceCountUtil.release(deferred);
        deferred = null;
        tickets.leave(name(), mailbox);
        if (!left) {
            left = true;
            services.registry().leave(session.device());
            log.info("{} disconnected without OUT; removed from active devices", name());
        }
        super.channelInactive(ctx);
    }
}
