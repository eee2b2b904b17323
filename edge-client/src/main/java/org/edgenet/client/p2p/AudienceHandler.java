package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.files.TempFiles;
import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.Accept;
import org.edgenet.common.p2p.Data;
import org.edgenet.common.p2p.Done;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Fin;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;
import org.edgenet.common.p2p.UvfFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The audience side of UVF, on the channel bound to the device's registered UDP port. Takes
 * OFFER, DATA, FIN and REJECT from presenters, demultiplexed by transfer id and presenter address;
 * answers with ACCEPT, ACK, DONE and REJECT. DATA payloads are copied out of their datagrams into
 * the transfer's {@link IncomingFile}; ACKs go out once per read burst, so a burst of datagrams
 * costs one ACK. A bad datagram is dropped and counted; the channel never closes because of one.
 */
final class AudienceHandler extends SimpleChannelInboundHandler<Inbound> {
    private static final Logger log = LoggerFactory.getLogger(AudienceHandler.class);
    private static final int MAX_REMEMBERED = 1024;
    /** Unknown-transfer REJECTs per sweep period: a flood of forged DATA cannot turn us into a reflector. */
    private static final int MAX_UNKNOWN_ANSWERS = 64;

    /** What a finished transfer answers to a repeated OFFER or FIN, until it is forgotten. */
    private record Finished(UvfDatagram answer, long forgetAt) {
    }

    private final Path directory;
    private final TransferEvents events;
    private final PeerOptions options;
    private final Executor disk;
    private final DropCounter drops;
    private final Map<TransferKey, IncomingTransfer> transfers = new HashMap<>();
    private final Map<TransferKey, Finished> finished = new LinkedHashMap<>();
    private final List<IncomingTransfer> dirty = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> sweep;
    /** Completes once the channel is inactive and every transfer's abort is queued on the disk executor. */
    final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private int unknownAnswers;

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

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long period = Math.max(10, Math.min(1000, options.idleTimeout().toMillis() / 4));
        sweep = ctx.executor().scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
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
        InetSocketAddress from = in.sender;
        UvfDatagram d = in.datagram;
        TransferKey key = new TransferKey(from, d.transferId());
        if (d instanceof Data data) {
            onData(key, data);
        } else if (d instanceof Offer offer) {
            onOffer(key, offer);
        } else if (d instanceof Fin fin) {
            onFin(key, fin);
        } else if (d instanceof Reject reject) {
            IncomingTransfer t = transfers.get(key);
            if (t != null) {
                abandon(t, "the presenter gave up: " + reject.reason());
            }
        } else {
            drops.drop(DropReason.WRONG_DIRECTION, from, d.type().name());
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

    private void onOffer(TransferKey key, Offer offer) {
        IncomingTransfer known = transfers.get(key);
        if (known != null) {
            if (known.file != null) {
                send(key, new Accept(key.id(), known.payload, known.advertised));
            }
            return;
        }
        Finished done = finished.get(key);
        if (done != null) {
            send(key, done.answer());
            return;
        }
        Optional<String> refusal = FileNames.refusal(offer.presenter(), offer.fileName());
        if (refusal.isPresent()) {
            String problem = refusal.get();
            log.info("Refused {} from {}: {}", FileNames.printable(offer.fileName()), key.presenter(), problem);
            remember(key, new Reject(key.id(), RejectCode.BAD_NAME, problem));
            events.receiveFailed(FileNames.printable(offer.fileName()), FileNames.printable(offer.presenter()), problem);
            return;
        }
        int payload = offer.payloadSize();
        if (payload < UvfFormat.MIN_PAYLOAD || payload > UvfFormat.MAX_PAYLOAD
                || UvfFormat.datagramCount(offer.fileSize(), payload) > Integer.MAX_VALUE) {
            remember(key, new Reject(key.id(), RejectCode.BAD_OFFER, "unacceptable size or payload"));
            return;
        }
        if (transfers.size() >= options.maxTransfers()) {
            send(key, new Reject(key.id(), RejectCode.OTHER, "the receiver is busy with other transfers"));
            return;
        }
        IncomingTransfer t = new IncomingTransfer(key, offer.presenter(), offer.fileName(), offer.fileSize(),
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
            Path temp = TempFiles.create(directory, ".uvf-", ".part");
            FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.READ);
            IncomingFile file = new IncomingFile(temp, ch, disk, written -> afterWrite(t, written));
            ctx.executor().execute(() -> opened(t, file));
        } catch (IOException e) {
            refuseStorage(t, "the receiver cannot store files", "the file could not be created: " + e.getMessage());
        }
    }

    /** From the disk executor: ends a transfer that cannot be stored, telling both ends why. */
    private void refuseStorage(IncomingTransfer t, String toPresenter, String toConsole) {
        ctx.executor().execute(() -> {
            if (transfers.remove(t.key, t)) {
                remember(t.key, new Reject(t.key.id(), RejectCode.STORAGE_FAILED, toPresenter));
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
        send(t.key, new Accept(t.key.id(), t.payload, window(t)));
        ctx.flush();
    }

    private void onData(TransferKey key, Data data) {
        IncomingTransfer t = transfers.get(key);
        if (t == null) {
            if (!finished.containsKey(key)) {
                // Tells a presenter that lost its OFFER's answer, or outlived our memory, to stop.
                drops.drop(DropReason.UNKNOWN_TRANSFER, key.presenter(), Long.toHexString(key.id()));
                answerUnknown(key);
            }
            return;
        }
        if (t.state != IncomingTransfer.State.RECEIVING) {
            return;
        }
        int seq = data.seq();
        ReceiveWindow.Arrival arrival = t.window.classify(seq);
        if (arrival == ReceiveWindow.Arrival.PAST_END) {
            drops.drop(DropReason.PAST_END, key.presenter(), "#" + seq);
            return;
        }
        int length = data.payload().readableBytes();
        if (length != t.expectedLength(seq)) {
            drops.drop(DropReason.BAD_LENGTH, key.presenter(), length + " bytes at #" + seq);
            return;
        }
        t.lastHeard = now();
        markDirty(t);
        if (arrival == ReceiveWindow.Arrival.DUPLICATE) {
            return;
        }
        if (arrival == ReceiveWindow.Arrival.BEYOND_WINDOW) {
            drops.drop(DropReason.OUT_OF_WINDOW, key.presenter(), "#" + seq + " with " + t.window.cumulative()
                    + " first missing");
            return;
        }
        if (t.file.backlog() + length > options.windowBytes()) {
            // The writer is behind: not recorded, so the presenter sends it again later.
            return;
        }
        ByteBuf copy = ctx.alloc().directBuffer(length);
        copy.writeBytes(data.payload(), data.payload().readerIndex(), length);
        t.file.add((long) seq * t.payload, copy);
        t.window.record(seq);
    }

    private void onFin(TransferKey key, Fin fin) {
        IncomingTransfer t = transfers.get(key);
        if (t == null) {
            Finished done = finished.get(key);
            if (done != null) {
                send(key, done.answer());
            } else {
                drops.drop(DropReason.UNKNOWN_TRANSFER, key.presenter(), Long.toHexString(key.id()));
                answerUnknown(key);
            }
            return;
        }
        if (t.state != IncomingTransfer.State.RECEIVING) {
            return;
        }
        t.lastHeard = now();
        int count = (int) UvfFormat.datagramCount(t.size, t.payload);
        if (fin.count() != count) {
            drops.drop(DropReason.MALFORMED, key.presenter(), "FIN counts " + fin.count() + " of " + count);
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
            remember(t.key, new Done(t.key.id()));
            ctx.flush();
            log.info("Received {} from {} as {}", t.fileName, t.presenter, outcome.stored().getFileName());
            events.received(t.fileName, t.presenter, outcome.stored());
        } else {
            RejectCode code = outcome.damaged() ? RejectCode.CHECKSUM_MISMATCH : RejectCode.STORAGE_FAILED;
            remember(t.key, new Reject(t.key.id(), code, outcome.problem()));
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

    /** Periodic: abandons silent transfers and forgets finished ones. */
    private void sweep() {
        unknownAnswers = 0;
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
    }

    private void answerUnknown(TransferKey key) {
        if (unknownAnswers < MAX_UNKNOWN_ANSWERS) {
            unknownAnswers++;
            send(key, new Reject(key.id(), RejectCode.UNKNOWN_TRANSFER, "the receiver knows no such transfer"));
        }
    }

    private void markDirty(IncomingTransfer t) {
        if (!t.ackDue) {
            t.ackDue = true;
            dirty.add(t);
        }
    }

    private void sendAck(IncomingTransfer t) {
        send(t.key, t.window.ack(t.key.id(), window(t)));
    }

    /** Datagrams past the first missing one the presenter may send: what the ring and the writer can take. */
    private int window(IncomingTransfer t) {
        long free = t.file == null ? options.windowBytes() : options.windowBytes() - t.file.backlog();
        int w = (int) Math.max(0, Math.min(t.window.ring(), free / t.payload));
        t.advertised = w;
        return w;
    }

    /** Keeps the answer for repeats of a finished transfer's OFFER or FIN, and sends it once now. */
    private void remember(TransferKey key, UvfDatagram answer) {
        if (finished.size() >= MAX_REMEMBERED) {
            Iterator<TransferKey> oldest = finished.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        finished.put(key, new Finished(answer, now() + 2 * options.idleTimeout().toNanos()));
        send(key, answer);
    }

    private void send(TransferKey key, UvfDatagram d) {
        ByteBuf buf = ctx.alloc().directBuffer(64);
        UvfCodec.encode(d, buf);
        ctx.write(new DatagramPacket(buf, key.presenter()));
    }

    /** A socket error (an ICMP report, a failed send) concerns one datagram: the port stays open. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("UVF socket error on {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
