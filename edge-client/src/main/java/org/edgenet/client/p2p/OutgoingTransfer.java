package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.files.Sha256;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.p2p.Accept;
import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.DatagramSeal;
import org.edgenet.common.p2p.DatagramType;
import org.edgenet.common.p2p.Done;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.Fin;
import org.edgenet.common.p2p.MalformedDatagramException;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.TransferKeys;
import org.edgenet.common.p2p.UvfDatagram;
import org.edgenet.common.p2p.UvfFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The presenter's side of one transfer: the I/O around a {@link PresenterEngine}. Everything but
 * file reading runs on the presenter channel's event loop, whose ticker is the engine's clock.
 *
 * <p>Reading: the disk executor reads ahead in batches with positional reads, as far as the engine
 * asks (never past its window), so memory holds at most one window of encoded datagrams; those stay
 * until their slot is reused and are resent as they are. The SHA-256 is computed by that first,
 * in-order read.
 *
 * <p>Longer than 300 lines on purpose: it is the one place where the engine's decisions meet the
 * channel, the read-ahead and the console's progress, and each of those hand-offs has to run on the
 * event loop in a fixed order; the decisions themselves are in the engine.
 */
final class OutgoingTransfer implements PresenterEngine.Output {
    private static final Logger log = LoggerFactory.getLogger(OutgoingTransfer.class);

    final long id;
    final InetSocketAddress to;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final OutgoingFile file;
    private final Ticket ticket;
    private final TransferSeals seals;
    /** Seals DATA, on the disk executor only. */
    private final DatagramSeal dataSeal;
    private final int proposedPayload;
    private final PeerContext context;
    private final Channel channel;
    private final EventLoop loop;
    private final Runnable onOver;
    private final PresenterEngine engine;
    private final ProgressGate progress;
    private final MessageDigest digest;

    private ByteBuf[] slots;
    /** Disk executor only, one batch at a time. */
    private ByteBuffer plain;
    private byte[] sha;
    private ScheduledFuture<?> timer;
    private long timerAt;

    /**
     * @param onOver runs on the event loop once the transfer is over, either way
     */
    OutgoingTransfer(long id, InetSocketAddress to, OutgoingFile file, Ticket ticket, PeerContext context,
                     Channel channel, Runnable onOver) {
        this.id = id;
        this.to = to;
        this.file = file;
        this.ticket = ticket;
        TransferKeys keys = TransferKeys.derive(ticket.key(), id);
        this.seals = TransferSeals.forPresenter(keys);
        this.dataSeal = keys.toAudience();
        this.proposedPayload = PayloadSize.forDestination(to, context.options().maxLocalPayload());
        this.context = context;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.onOver = onOver;
        this.engine = new PresenterEngine(file.size(), proposedPayload, context.options(), this);
        this.progress = new ProgressGate(file.size(), now());
        this.digest = Sha256.newDigest();
    }

    private long now() {
        return loop.ticker().nanoTime();
    }

    /** On the event loop: sends the OFFER and starts the clock. */
    void start() {
        engine.start(now());
        settle();
    }

    /**
     * On the event loop: a datagram of this transfer from the audience; {@code scratch} takes its body.
     *
     * @throws MalformedDatagramException when it does not open with this transfer's key, or is not
     *                                    one the audience sends
     */
    void onDatagram(Envelope e, ByteBuf scratch) {
        if (e.type() == DatagramType.DATA || e.type() == DatagramType.OFFER || e.type() == DatagramType.FIN) {
            throw new MalformedDatagramException(DropReason.WRONG_DIRECTION, e.type().name());
        }
        UvfDatagram d = seals.openControl(e, scratch);
        if (d == null) {
            return;
        }
        long now = now();
        if (d instanceof Ack ack) {
            engine.acked(now, ack);
        } else if (d instanceof Accept a) {
            engine.accepted(now, a.payloadSize(), a.window());
        } else if (d instanceof Done) {
            engine.done(now);
        } else if (d instanceof Reject r) {
            engine.rejected(now, r.code(), r.reason());
        }
        settle();
    }

    /** Ends the transfer with {@code message}; tells the audience when it may still be listening. */
    void fail(String message, boolean tellAudience) {
        engine.fail(message, tellAudience);
        settle();
    }

    /** After every event: sends what the engine wrote and sets the timer to its deadline. */
    private void settle() {
        channel.flush();
        if (engine.isOver()) {
            return;
        }
        long deadline = engine.deadline();
        if (timer != null && timerAt - deadline <= 0) {
            // Fires no later than needed; it runs the engine and sets itself again.
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = deadline;
        timer = loop.schedule(this::onTimer, Math.max(0, deadline - now()), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        engine.timer(now());
        settle();
    }

    @Override
    public void sendOffer() {
        write(new Offer(id, ticket.id(), file.size(), proposedPayload, file.name()));
    }

    @Override
    public void sendData(int seq, boolean again) {
        channel.write(new DatagramPacket(slots[seq % slots.length].retainedDuplicate(), to));
    }

    @Override
    public void sendFin() {
        if (sha == null) {
            // An empty file: nothing was read, so nothing was hashed either.
            sha = digest.digest();
        }
        write(new Fin(id, engine.count(), sha));
    }

    @Override
    public void read(int from, int to) {
        if (slots == null) {
            slots = new ByteBuf[engine.ring()];
        }
        int payload = engine.payload();
        ByteBufAllocator alloc = channel.alloc();
        try {
            context.disk().execute(() -> readBatch(from, to, payload, alloc));
        } catch (RejectedExecutionException e) {
            engine.readFailed("the device is closing");
        }
    }

    @Override
    public void progress(long bytes) {
        if (progress.passes(bytes, now())) {
            context.events().progress(file.name(), ticket.audience().value(), true, bytes, file.size());
        }
    }

    @Override
    public void delivered() {
        over();
        future.complete(null);
    }

    @Override
    public void failed(String reason, boolean tellAudience) {
        if (tellAudience) {
            write(new Reject(id, RejectCode.ABANDONED, reason));
        }
        over();
        future.completeExceptionally(new TransferFailedException(reason));
    }

    /** On the disk executor: reads datagrams [from, to) whole, in order, hashing as it goes. */
    private void readBatch(int from, int to, int payload, ByteBufAllocator alloc) {
        ByteBuf[] bufs = new ByteBuf[to - from];
        byte[] hash = null;
        IOException failure = null;
        long size = file.size();
        ByteBuffer plain = plainBuffer(payload);
        try {
            for (int s = from; s < to; s++) {
                long offset = (long) s * payload;
                int length = (int) Math.min(payload, size - offset);
                plain.clear().limit(length);
                while (plain.hasRemaining()) {
                    if (file.channel().read(plain, offset + plain.position()) < 0) {
                        throw new EOFException("the file got shorter while it was being sent");
                    }
                }
                plain.flip();
                digest.update(plain);
                plain.rewind();
                ByteBuf buf = alloc.directBuffer(UvfFormat.DATA_OVERHEAD + length);
                bufs[s - from] = buf;
                dataSeal.sealData(id, s, plain, buf);
            }
            if (to == engine.count()) {
                hash = digest.digest();
            }
        } catch (IOException e) {
            failure = e;
        }
        byte[] finalHash = hash;
        IOException finalFailure = failure;
        try {
            loop.execute(() -> onRead(from, bufs, finalHash, finalFailure));
        } catch (RejectedExecutionException e) {
            release(bufs);
        }
    }

    private void onRead(int from, ByteBuf[] bufs, byte[] hash, IOException failure) {
        if (engine.isOver() || failure != null) {
            release(bufs);
            if (failure != null) {
                engine.readFailed(failure.getMessage());
                settle();
            }
            return;
        }
        for (int k = 0; k < bufs.length; k++) {
            int i = (from + k) % slots.length;
            if (slots[i] != null) {
                slots[i].release();
            }
            slots[i] = bufs[k];
        }
        if (hash != null) {
            sha = hash;
        }
        engine.loaded(now(), from + bufs.length);
        settle();
    }

    private static void release(ByteBuf[] bufs) {
        for (ByteBuf b : bufs) {
            if (b != null) {
                b.release();
            }
        }
    }

    /** On the disk executor: the buffer a batch reads plain file bytes into before sealing them. */
    private ByteBuffer plainBuffer(int payload) {
        if (plain == null) {
            plain = ByteBuffer.allocateDirect(payload);
        }
        return plain;
    }

    private void write(UvfDatagram d) {
        channel.write(new DatagramPacket(seals.seal(d, channel.alloc()), to));
    }

    private void over() {
        log.debug("Transfer {} of {} to {} over: {}", Long.toHexString(id), file.name(), to, engine.summary());
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (slots != null) {
            release(slots);
            java.util.Arrays.fill(slots, null);
        }
        try {
            context.disk().execute(file::close);
        } catch (RejectedExecutionException e) {
            file.close();
        }
        onOver.run();
    }
}
