package org.edgenet.server.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Delete;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Leave;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.LookupPeer;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.DataStore;
import org.edgenet.server.service.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Serves a joined device's commands, one at a time, each with exactly one reply. While a command's
 * disk work runs on a service thread, the connection's {@link ReadGate} holds
 * {@link ReadGate.Reason#REQUEST_RUNNING} (the flow-control handler keeps frames already decoded)
 * until the reply has been written back on the event loop. Replies the device does not read stop
 * reading too; the gate sees to that for every reply alike.
 *
 * <p>Upload chunks are the exception: reading goes on while the file's lane checks and writes
 * earlier chunks, so receiving and parsing overlap, up to {@link #MAX_CHUNKS_IN_FLIGHT} chunks per
 * connection; only then does the gate hold {@link ReadGate.Reason#LANE_FULL}, until one of them
 * is done. The lane runs an upload's chunks and its end in the order they were handed over, so
 * order needs nothing more here.
 *
 * <p>Upload states: none, receiving (an {@link DataStore.Upload} is open) and discarding (a reply
 * already refused the upload; chunks are dropped until {@code UploadEnd} or {@code UploadAbort}).
 * Because results of queued chunks arrive after the upload may have failed, ended or been aborted,
 * {@link #settled} remembers the upload whose one reply is already decided, and every later result
 * of that upload stays silent.
 */
public final class CommandHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    /** 4 x 64 KiB per connection: enough to keep the lane busy while the next chunk arrives. */
    static final int MAX_CHUNKS_IN_FLIGHT = 4;

    private final Services services;
    private final Session session;
    private final ReadGate gate;
    private final MessageCommands messages;

    private DataStore.Upload upload;
    private boolean discarding;
    /** The last upload refused or aborted: its one reply has gone out or is not owed. */
    private DataStore.Upload settled;
    /** Chunks handed to a lane whose result has not come back to the event loop yet. */
    private int chunksInFlight;
    private boolean busy;
    private boolean left;

    public CommandHandler(Services services, Session session, ReadGate gate) {
        this.services = services;
        this.session = session;
        this.gate = gate;
        this.messages = new MessageCommands(services, session.name(), gate);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        messages.start(ctx);
    }

    /** The factory the server installs: one handler per joined connection. */
    public static CommandHandlerFactory factory(Services services) {
        return (session, gate) -> new CommandHandler(services, session, gate);
    }

    private String name() {
        return session.name();
    }

    private boolean uploading() {
        return upload != null || discarding;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (busy) {
            // Reading is off while a command runs; a message now means the pipeline is misused.
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("message while a command is in progress");
        }
        if (msg instanceof UploadChunk chunk) {
            chunk(ctx, chunk);
            return;
        }
        try {
            if (uploading()) {
                duringUpload(ctx, msg);
            } else {
                command(ctx, msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
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
        } else if (msg instanceof LookupPeer lookup) {
            lookupPeer(ctx, lookup.device());
        } else if (MessageCommands.serves(msg)) {
            messages.serve(ctx, (Message) msg);
        } else if (msg instanceof Leave) {
            leave(ctx);
        } else if (msg instanceof UploadAbort) {
            // The device gave up an upload the server had already ended: nothing left to do.
            log.debug("{} aborted an upload that was already over", name());
        } else {
            throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, describe(msg) + " in command mode");
        }
    }

    private void duringUpload(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof UploadEnd) {
            endUpload(ctx);
        } else if (msg instanceof UploadAbort abort) {
            abortUpload(abort);
        } else {
            throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, describe(msg) + " during an upload");
        }
    }

    private static String describe(Object msg) {
        return msg instanceof Message m ? m.type().name() : msg.getClass().getSimpleName();
    }

    // AED

    private void listActive(ChannelHandlerContext ctx) {
        log.info("{} issued AED", name());
        List<ActiveDevice> others = services.registry().othersThan(name());
        List<DeviceInfo> infos = new ArrayList<>(others.size());
        for (ActiveDevice d : others) {
            infos.add(new DeviceInfo(d.name(), d.ip(), d.udpPort(), d.since()));
        }
        ctx.writeAndFlush(new ActiveDevices(infos));
        log.info("Return message: {}", infos.isEmpty() ? "no other active edge devices"
                : infos.size() + (infos.size() == 1 ? " other active device" : " other active devices"));
    }

    // OUT

    private void leave(ChannelHandlerContext ctx) {
        log.info("{} issued OUT", name());
        left = true;
        messages.stop();
        whenDone(ctx, services.registry().leave(session.device()), (v, e) -> {
            if (e != null) {
                log.error("Recording that {} left failed", name(), e);
            }
            log.info("{} left", name());
            ctx.writeAndFlush(new Left(name())).addListener(ChannelFutureListener.CLOSE);
        });
    }

    // UED

    private void beginUpload(ChannelHandlerContext ctx, long fileId) {
        log.info("{} issued UED {}", name(), fileId);
        if (fileId < 0) {
            // The chunks that follow are dropped; this is the upload's one reply.
            discarding = true;
            refuse(ctx, new ProtocolException(ErrorCode.BAD_ARGUMENT, "file ID must not be negative: " + fileId));
            return;
        }
        whenDone(ctx, services.data().beginUpload(name(), fileId), (started, e) -> {
            if (!ctx.channel().isActive()) {
                if (started != null) {
                    started.abort();
                }
            } else if (e != null) {
                discarding = true;
                fail(ctx, "Starting the upload of file " + fileId, e);
            } else {
                upload = started;
            }
        });
    }

    private void chunk(ChannelHandlerContext ctx, UploadChunk chunk) {
        if (!uploading()) {
            chunk.release();
            throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, "upload chunk outside an upload");
        }
        if (discarding) {
            chunk.release();
            return;
        }
        DataStore.Upload current = upload;
        // The store owns the chunk from here and releases it once written.
        CompletableFuture<Void> written = current.append(chunk.content());
        chunksInFlight++;
        if (chunksInFlight >= MAX_CHUNKS_IN_FLIGHT) {
            gate.hold(ReadGate.Reason.LANE_FULL);
        }
        written.whenCompleteAsync((v, error) -> {
            assert ctx.executor().inEventLoop();
            chunksInFlight--;
            try {
                if (error != null && settled != current) {
                    settled = current;
                    if (upload == current) {
                        // The store has discarded the upload; the device stops sending once it reads this.
                        upload = null;
                        discarding = true;
                    }
                    fail(ctx, "Storing file " + current.fileId(), ErrorHandler.causeOf(error));
                }
            } catch (RuntimeException e) {
                ctx.fireExceptionCaught(e);
                return;
            }
            if (chunksInFlight < MAX_CHUNKS_IN_FLIGHT) {
                gate.release(ReadGate.Reason.LANE_FULL);
            }
        }, ctx.executor());
    }

    private void endUpload(ChannelHandlerContext ctx) {
        if (discarding) {
            discarding = false;
            return;
        }
        DataStore.Upload current = upload;
        // The end has been read: a chunk that fails from here on must not start discarding.
        upload = null;
        long fileId = current.fileId();
        whenDone(ctx, current.finish(), (count, e) -> {
            if (e != null) {
                // A queued chunk that failed has already replied with the same cause.
                if (settled != current) {
                    settled = current;
                    fail(ctx, "Storing file " + fileId, e);
                }
                return;
            }
            log.info("Received {} from {}: {} samples", DeviceNames.dataFileName(name(), fileId), name(), count);
            ctx.writeAndFlush(new Uploaded(fileId, count));
            log.info("Return message: file {} uploaded with {} samples", fileId, count);
        });
    }

    private void abortUpload(UploadAbort abort) {
        if (discarding) {
            discarding = false;
            return;
        }
        log.info("{} aborted the upload of file {}", name(), upload.fileId());
        // The device expects no reply, not even for a chunk of it that fails later.
        settled = upload;
        upload.abort();
        upload = null;
    }

    // SCS

    private void compute(ChannelHandlerContext ctx, Compute compute) {
        long fileId = compute.fileId();
        log.info("{} issued SCS {} {}", name(), fileId, compute.operation());
        if (fileId < 0) {
            refuse(ctx, new ProtocolException(ErrorCode.BAD_ARGUMENT, "file ID must not be negative: " + fileId));
            return;
        }
        whenDone(ctx, services.data().compute(name(), fileId, compute.operation()), (result, e) -> {
            if (e != null) {
                fail(ctx, "SCS on file " + fileId, e);
                return;
            }
            ctx.writeAndFlush(new Computed(fileId, compute.operation(), result));
            log.info("Return message: {} of file {} is {}", compute.operation(), fileId, result);
        });
    }

    // DTE

    private void delete(ChannelHandlerContext ctx, long fileId) {
        log.info("{} issued DTE {}", name(), fileId);
        if (fileId < 0) {
            refuse(ctx, new ProtocolException(ErrorCode.BAD_ARGUMENT, "file ID must not be negative: " + fileId));
            return;
        }
        whenDone(ctx, services.data().delete(name(), fileId), (count, e) -> {
            if (e != null) {
                fail(ctx, "DTE of file " + fileId, e);
                return;
            }
            ctx.writeAndFlush(new Deleted(fileId, count));
            log.info("Return message: file {} removed ({} samples)", fileId, count);
        });
    }

    // UVF

    private void lookupPeer(ChannelHandlerContext ctx, String device) {
        String shown = DeviceNames.isValid(device) ? device : "an invalid name";
        log.info("{} issued UVF to {}: asks where it listens", name(), shown);
        Optional<ActiveDevice> peer = DeviceNames.isValid(device) ? services.registry().find(device) : Optional.empty();
        if (peer.isEmpty()) {
            refuse(ctx, new ProtocolException(ErrorCode.DEVICE_OFFLINE, shown + " is offline"));
            return;
        }
        ActiveDevice d = peer.get();
        ctx.writeAndFlush(new Peer(d.name(), d.ip(), d.udpPort()));
        log.info("Return message: {} listens on {} (udp {})", d.name(), d.ip(), d.udpPort());
    }

    // Plumbing

    /**
     * Stops reading while {@code work} runs, then runs {@code then} on the event loop and reads on.
     * If the connection closed meanwhile, {@code then} still runs so it can clean up.
     */
    private <T> void whenDone(ChannelHandlerContext ctx, CompletableFuture<T> work, BiConsumer<T, Throwable> then) {
        busy = true;
        gate.hold(ReadGate.Reason.REQUEST_RUNNING);
        work.whenCompleteAsync((value, error) -> {
            assert ctx.executor().inEventLoop();
            busy = false;
            try {
                then.accept(value, error == null ? null : ErrorHandler.causeOf(error));
            } catch (RuntimeException e) {
                ctx.fireExceptionCaught(e);
                return;
            }
            // After OUT the gate holds CLOSING since Left went out, so reading does not resume.
            gate.release(ReadGate.Reason.REQUEST_RUNNING);
        }, ctx.executor());
    }

    /** A request the device can correct: the error goes back and the session goes on. */
    private void refuse(ChannelHandlerContext ctx, ProtocolException e) {
        ErrorReply reply = ErrorReply.of(e);
        ctx.writeAndFlush(reply);
        log.info("Return message: {}", reply.message());
    }

    private void fail(ChannelHandlerContext ctx, String what, Throwable e) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (e instanceof ProtocolException p && !p.code().fatal()) {
            refuse(ctx, p);
        } else {
            log.error("{} for {} failed", what, name(), e);
            refuse(ctx, new ProtocolException(ErrorCode.INTERNAL, "the server could not complete the request"));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        messages.stop();
        if (upload != null) {
            upload.abort();
            upload = null;
        }
        if (!left) {
            left = true;
            services.registry().leave(session.device());
            log.info("{} disconnected without OUT; removed from active devices", name());
        }
        super.channelInactive(ctx);
    }
}
