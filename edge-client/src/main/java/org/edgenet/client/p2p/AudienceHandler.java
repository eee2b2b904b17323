package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.p2p.Accept;
import org.edgenet.common.p2p.Done;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.Fin;
import org.edgenet.common.p2p.MalformedDatagramException;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.UvfDatagram;
import org.edgenet.common.p2p.UvfFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The audience side of UVF, on the channel bound to the device's registered UDP port, behind a
 * {@link UvfDecoder}. Takes OFFER, DATA, FIN and REJECT from presenters, demultiplexed by transfer
 * id and presenter address; answers with ACCEPT, ACK, DONE and REJECT, all sealed.
 *
 * <p>Only an OFFER that proves a ticket the server handed this device ({@link #admit}) starts a
 * transfer; everything after it must open with that transfer's keys. Anything else is dropped and
 * counted, without an answer and without taking a slot, a file or a log line of its own.
 *
 * <p>DATA payloads are opened straight from their datagrams into buffers for the transfer's
 * {@link IncomingFile}; ACKs go out once per read burst, so a burst of datagrams costs one ACK.
 *
 * <p>Longer than 300 lines on purpose: it is the per-datagram path of every incoming transfer
 * (demultiplexing, tickets, opening, acknowledging, finishing), and it stays in one handler so that
 * one datagram is followed from arrival to answer in one file; file writing, the receive window and
 * the tickets are classes of their own.
 */
final class AudienceHandler extends SimpleChannelInboundHandler<Inbound> {
    private static final Logger log = LoggerFactory.getLogger(AudienceHandler.class);
    private static final int MAX_REMEMBERED = 1024;
    /**
     * Where opened payloads go: never the memory of received datagrams. The JDK's AES-GCM copies
     * its whole output first when input and output are slices of one block of memory with the
     * input first, as buffers of one pooled chunk can be; separate chunks spare that copy.
     */
    private static final ByteBufAllocator OPENED = new PooledByteBufAllocator(true);

    /** What a finished transfer answers to a repeated OFFER or FIN, sealed anew each time, until it is forgotten. */
    private record Finished(UvfDatagram answer, TransferSeals seals, long forgetAt) {
    }

    private final Path directory;
    private final TransferEvents events;
    private final PeerOptions options;
    private final Executor disk;
    private final DropCounter drops;
    private final TicketBook tickets = new TicketBook();
    private final Map<TransferKey, IncomingTransfer> transfers = new HashMap<>();
    private final Map<TransferKey, Finished> finished = new LinkedHashMap<>();
    private final List<IncomingTransfer> dirty = new ArrayList<>();
    /** Set on the event loop when the handler is added; read by {@link #admit} on any thread. */
    private volatile ChannelHandlerContext ctx;
    private ScheduledFuture<?> sweep;
    /** Where control bodies and DATA not worth keeping are opened, to check them. */
    private ByteBuf scratch;
    /** Completes once the channel is inactive and every transfer's abort is queued on the disk executor. */
    final CompletableFuture<Void> stopped = new CompletableFuture<>();

    AudienceHandler(Path directory, PeerContext context) {
        this.directory = directory;
        this.events = context.events();
        this.options = context.options();
        this.disk = context.disk();
        this.drops = context.drops();
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    /** Any thread: the server vouches for a transfer to this device. */
    void admit(Ticket ticket) {
        tickets.add(ticket, now());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.scratch = OPENED.directBuffer(UvfFormat.MAX_PAYLOAD);
        long period = Math.max(10, Math.min(1000, options.idleTimeout().toMillis() / 4));
        sweep = ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        scratch.release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sweep.cancel(false);
        for (IncomingTransfer t : new ArrayList<>(transfers.values())) {
            abandon(t, "the device is closing");
        }
        stopped.complete(null);
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Inbound in) {
        Envelope e = in.envelope;
        TransferKey key = new TransferKey(in.sender, e.transferId());
        try {
            switch (e.type()) {
                case DATA -> onData(key, e);
                case OFFER -> onOffer(key, e);
                case FIN, REJECT -> onControl(key, e);
                default -> drops.drop(DropReason.WRONG_DIRECTION, key.presenter(), e.type().name());
            }
        } catch (MalformedDatagramException bad) {
            drops.drop(bad.reason(), key.presenter(), bad.getMessage());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (IncomingTransfer t : dirty) {
            if (t.file != null && transfers.get(t.key) == t) {
                if (t.state == IncomingTransfer.State.RECEIVING) {
                    t.file.prefix(t.prefixBytes());
                }
                sendAck(t);
            }
            t.ackDue = false;
        }
        dirty.clear();
        ctx.flush();
    }

    private void onOffer(TransferKey key, Envelope e) {
        IncomingTransfer known = transfers.get(key);
        if (known != null) {
            UvfDatagram repeat = known.seals.openControl(e, scratch);
            if (repeat != null && known.file != null) {
                send(known.key, known.seals, new Accept(key.id(), known.payload, known.advertised));
            }
            return;
        }
        Finished done = finished.get(key);
        if (done != null) {
            if (done.seals().openControl(e, scratch) != null) {
                send(key, done.seals(), done.answer());
            }
            return;
        }
        Ticket ticket = tickets.find(e.ticketId(), now());
        if (ticket == null) {
            drops.drop(DropReason.UNKNOWN_TICKET, key.presenter(), Long.toHexString(e.ticketId()));
            return;
        }
        TransferSeals seals = TransferSeals.forAudience(ticket, key.id());
        Offer offer = (Offer) seals.openControl(e, scratch);
        tickets.consume(ticket.id());
        String presenter = ticket.presenter().value();
        Optional<String> refusal = FileNames.refusal(presenter, offer.fileName());
        if (refusal.isPresent()) {
            String problem = refusal.get();
            log.info("Refused {} from {}: {}", FileNames.printable(offer.fileName()), presenter, problem);
            remember(key, seals, new Reject(key.id(), RejectCode.BAD_NAME, problem));
            events.receiveFailed(FileNames.printable(offer.fileName()), presenter, problem);
            return;
        }
        int payload = offer.payloadSize();
        if (payload < UvfFormat.MIN_PAYLOAD || payload > UvfFormat.MAX_PAYLOAD
                || UvfFormat.datagramCount(offer.fileSize(), payload) > Integer.MAX_VALUE) {
            remember(key, seals, new Reject(key.id(), RejectCode.BAD_OFFER, "unacceptable size or payload"));
            return;
        }
        if (transfers.size() >= options.maxTransfers()) {
            remember(key, seals, new Reject(key.id(), RejectCode.OTHER, "the receiver is busy with other transfers"));
            return;
        }
        IncomingTransfer t = new IncomingTransfer(key, seals, presenter, offer.fileName(), offer.fileSize(),
                payload, options.windowDatagrams(payload), now());
        transfers.put(key, t);
        log.info("Receiving {} ({} bytes) from {} at {}", t.fileName, t.size, t.presenter, key.presenter());
        disk.execute(() -> open(t));
    }

    /** On the disk executor: creates the temp file, then hands back to the event loop. */
    private void open(IncomingTransfer t) {
        try {
            // Refused up front: a file that cannot fit would fill the disk and then fail anyway.
            long usable = Files.getFileStore(directory).getUsableSpace();
            if (t.size > usable) {
                refuseStorage(t, "the receiver has no room for " + t.size + " bytes",
                        "not enough disk space (" + t.size + " bytes offered, " + usable + " free)");
                return;
            }
            PartFiles.Owned temp = PartFiles.create(directory);
            IncomingFile file = new IncomingFile(temp.path(), temp.channel(), disk, written -> afterWrite(t, written));
            ctx.executor().execute(() -> opened(t, file));
        } catch (IOException e) {
            refuseStorage(t, "the receiver cannot store files", "the file could not be created: " + e.getMessage());
        }
    }

    /** From the disk executor: ends a transfer that cannot be stored, telling both ends why. */
    private void refuseStorage(IncomingTransfer t, String toPresenter, String toConsole) {
        ctx.executor().execute(() -> {
            if (transfers.remove(t.key, t)) {
                remember(t.key, t.seals, new Reject(t.key.id(), RejectCode.STORAGE_FAILED, toPresenter));
                ctx.flush();
                events.receiveFailed(t.fileName, t.presenter, toConsole);
            }
        });
    }

    private void opened(IncomingTransfer t, IncomingFile file) {
        assert ctx.executor().inEventLoop();
        if (transfers.get(t.key) != t) {
            file.abort(() -> { });
            return;
        }
        t.file = file;
        t.state = IncomingTransfer.State.RECEIVING;
        send(t.key, t.seals, new Accept(t.key.id(), t.payload, window(t)));
        ctx.flush();
    }

    private void onData(TransferKey key, Envelope e) {
        IncomingTransfer t = transfers.get(key);
        if (t == null) {
            if (!finished.containsKey(key)) {
                drops.drop(DropReason.UNKNOWN_TRANSFER, key.presenter(), Long.toHexString(key.id()));
            }
            return;
        }
        if (t.state != IncomingTransfer.State.RECEIVING) {
            return;
        }
        int seq = e.packetNumber();
        ReceiveWindow.Arrival arrival = t.window.classify(seq);
        if (arrival == ReceiveWindow.Arrival.PAST_END) {
            drops.drop(DropReason.PAST_END, key.presenter(), "#" + seq);
            return;
        }
        int length = e.bodyLength();
        if (length != t.expectedLength(seq)) {
            drops.drop(DropReason.BAD_LENGTH, key.presenter(), length + " bytes at #" + seq);
            return;
        }
        if (arrival == ReceiveWindow.Arrival.BEYOND_WINDOW) {
            drops.drop(DropReason.OUT_OF_WINDOW, key.presenter(), "#" + seq + " with " + t.window.cumulative()
                    + " first missing");
            return;
        }
        if (arrival == ReceiveWindow.Arrival.NEW && t.file.backlog() + length <= options.windowBytes()) {
            ByteBuf payload = OPENED.directBuffer(length);
            if (!t.seals.openData(e, payload)) {
                payload.release();
                drops.drop(DropReason.FORGED, key.presenter(), "DATA #" + seq);
                return;
            }
            t.file.add((long) seq * t.payload, payload);
            t.window.record(seq);
        } else {
            // A duplicate, or the writer is behind (then it is sent again later): worth an
            // acknowledgement only once it proves genuine. One genuine datagram per read burst is
            // enough for the burst's ACK, so a burst of resent datagrams costs one opening, not all.
            if (t.ackDue) {
                return;
            }
            scratch.clear();
            if (!t.seals.openData(e, scratch)) {
                drops.drop(DropReason.FORGED, key.presenter(), "DATA #" + seq);
                return;
            }
        }
        t.lastHeard = now();
        markDirty(t);
    }

    /** FIN or REJECT from the presenter. */
    private void onControl(TransferKey key, Envelope e) {
        IncomingTransfer t = transfers.get(key);
        if (t == null) {
            Finished done = finished.get(key);
            if (done == null) {
                drops.drop(DropReason.UNKNOWN_TRANSFER, key.presenter(), Long.toHexString(key.id()));
            } else if (done.seals().openControl(e, scratch) instanceof Fin) {
                send(key, done.seals(), done.answer());
            }
            return;
        }
        UvfDatagram d = t.seals.openControl(e, scratch);
        if (d == null) {
            return;
        }
        t.lastHeard = now();
        if (d instanceof Reject reject) {
            abandon(t, "the presenter gave up: " + reject.reason());
        } else if (d instanceof Fin fin) {
            onFin(t, fin);
        }
    }

    private void onFin(IncomingTransfer t, Fin fin) {
        if (t.state != IncomingTransfer.State.RECEIVING) {
            return;
        }
        int count = (int) UvfFormat.datagramCount(t.size, t.payload);
        if (fin.count() != count) {
            drops.drop(DropReason.MALFORMED, t.key.presenter(), "FIN counts " + fin.count() + " of " + count);
            return;
        }
        if (!t.window.complete()) {
            markDirty(t);
            return;
        }
        t.state = IncomingTransfer.State.FINISHING;
        t.file.prefix(t.size);
        Path target = directory.resolve(FileNames.storedName(t.presenter, t.fileName));
        t.file.finish(fin.sha256(), target, outcome -> ctx.executor().execute(() -> finished(t, outcome)));
    }

    private void finished(IncomingTransfer t, IncomingFile.Outcome outcome) {
        assert ctx.executor().inEventLoop();
        if (!transfers.remove(t.key, t)) {
            return;
        }
        if (outcome.problem() == null) {
            remember(t.key, t.seals, new Done(t.key.id()));
            ctx.flush();
            log.info("Received {} from {} as {}", t.fileName, t.presenter, outcome.stored().getFileName());
            events.received(t.fileName, t.presenter, outcome.stored());
        } else {
            RejectCode code = outcome.damaged() ? RejectCode.CHECKSUM_MISMATCH : RejectCode.STORAGE_FAILED;
            remember(t.key, t.seals, new Reject(t.key.id(), code, outcome.problem()));
            ctx.flush();
            log.warn("Discarded {} from {}: {}", t.fileName, t.presenter, outcome.problem());
            events.receiveFailed(t.fileName, t.presenter, outcome.problem());
        }
    }

    /** On the disk thread after a write: reports progress, and reopens a window the presenter saw shut. */
    private void afterWrite(IncomingTransfer t, long written) {
        if (t.progress.passes(written, now())) {
            events.progress(t.fileName, t.presenter, false, written, t.size);
        }
        if (t.advertised < t.window.ring() / 2 && t.file != null && t.file.backlog() < options.windowBytes() / 2
                && t.windowUpdatePosted.compareAndSet(false, true)) {
            ctx.executor().execute(() -> {
                t.windowUpdatePosted.set(false);
                if (transfers.get(t.key) == t && t.state == IncomingTransfer.State.RECEIVING) {
                    sendAck(t);
                    ctx.flush();
                }
            });
        }
    }

    private void abandon(IncomingTransfer t, String reason) {
        if (!transfers.remove(t.key, t)) {
            return;
        }
        log.info("Abandoned {} from {}: {}", t.fileName, t.presenter, reason);
        if (t.file != null) {
            // The event follows the deletion, so whoever hears it finds nothing left.
            t.file.abort(() -> events.receiveFailed(t.fileName, t.presenter, reason));
        } else {
            events.receiveFailed(t.fileName, t.presenter, reason);
        }
    }

    /** Periodic: abandons silent transfers, forgets finished ones and expired tickets. */
    private void sweep() {
        long now = now();
        long idle = options.idleTimeout().toNanos();
        for (IncomingTransfer t : new ArrayList<>(transfers.values())) {
            if (now - t.lastHeard > idle && t.state != IncomingTransfer.State.FINISHING) {
                abandon(t, "the presenter stopped sending");
            }
        }
        Iterator<Finished> it = finished.values().iterator();
        while (it.hasNext() && it.next().forgetAt() - now < 0) {
            it.remove();
        }
        tickets.purge(now);
    }

    private void markDirty(IncomingTransfer t) {
        if (!t.ackDue) {
            t.ackDue = true;
            dirty.add(t);
        }
    }

    private void sendAck(IncomingTransfer t) {
        send(t.key, t.seals, t.window.ack(t.key.id(), window(t)));
    }

    /** Datagrams past the first missing one the presenter may send: what the ring and the writer can take. */
    private int window(IncomingTransfer t) {
        long free = t.file == null ? options.windowBytes() : options.windowBytes() - t.file.backlog();
        int w = (int) Math.max(0, Math.min(t.window.ring(), free / t.payload));
        t.advertised = w;
        return w;
    }

    /** Keeps the answer for repeats of a finished transfer's OFFER or FIN, and sends it once now. */
    private void remember(TransferKey key, TransferSeals seals, UvfDatagram answer) {
        if (finished.size() >= MAX_REMEMBERED) {
            Iterator<TransferKey> oldest = finished.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        finished.put(key, new Finished(answer, seals, now() + 2 * options.idleTimeout().toNanos()));
        send(key, seals, answer);
    }

    private void send(TransferKey key, TransferSeals seals, UvfDatagram d) {
        ctx.write(new DatagramPacket(seals.seal(d, ctx.alloc()), key.presenter()));
    }

    /** A socket error (an ICMP report, a failed send) concerns one datagram: the port stays open. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("UVF socket error on {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
