package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.p2p.Accept;
import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.Fin;
import org.edgenet.common.p2p.Offer;
import org.edgenet.common.p2p.Reject;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.UvfCodec;
import org.edgenet.common.p2p.UvfDatagram;
import org.edgenet.common.p2p.UvfFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The presenter's side of one transfer. Everything but file reading runs on the presenter
 * channel's event loop.
 *
 * <p>Sending: OFFER until ACCEPT; then DATA through a sliding window of at most {@code ring}
 * datagrams past the first unacknowledged one, further limited by the audience's advertised window
 * and a congestion window (slow start, then +1 datagram per round trip, times 0.7 on a loss round);
 * FIN with the file's SHA-256 once everything is acknowledged, until DONE or REJECT.
 *
 * <p>Reading: the disk executor reads ahead in batches with positional reads, only as far as the
 * window reaches, so memory holds at most one window of encoded datagrams; those stay until
 * acknowledged and are resent as they are. The SHA-256 is computed by that first, in-order read.
 *
 * <p>Loss: SACK tells what arrived. A datagram is presumed lost when one sent later by more than a
 * reordering allowance was acknowledged (as in RACK, RFC 8985), or when the retransmission time-out
 * (RFC 6298, {@link RttEstimator}) expires. Silence longer than {@link PeerOptions#silenceTimeout()}
 * fails the transfer.
 */
final class OutgoingTransfer {
    private enum Phase { OFFERING, SENDING, FINISHING, OVER }

    private static final Logger log = LoggerFactory.getLogger(OutgoingTransfer.class);

    private static final double INITIAL_CWND = 16;
    private static final double MIN_CWND = 4;
    private static final double BETA = 0.7;
    private static final long MIN_REORDER = TimeUnit.MICROSECONDS.toNanos(500);
    private static final int READ_BATCH_BYTES = 1024 * 1024;

    final long id;
    final InetSocketAddress to;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final FileChannel file;
    private final long size;
    private final String fileName;
    private final String presenter;
    private final String audience;
    private final int proposedPayload;
    private final PeerOptions options;
    private final Executor disk;
    private final TransferEvents events;
    private final Channel channel;
    private final EventLoop loop;
    private final Runnable onOver;
    private final RttEstimator rtt;
    private final MessageDigest digest;
    private final ProgressGate progress;

    private Phase phase = Phase.OFFERING;
    private int payload;
    private int count;
    private int ring;
    private ByteBuf[] slots;
    private long[] sentAt;
    private boolean[] retransmitted;
    private boolean[] acked;
    private boolean[] lost;
    private int[] lostQueue;
    private int lostHead;
    private int lostSize;

    private int base;
    private int nextSeq;
    private int readSeq;
    private boolean reading;
    private byte[] sha;
    private int pipe;
    private int rwnd;
    private double cwnd = INITIAL_CWND;
    private double ssthresh = Double.MAX_VALUE;
    private long recoveryStart;
    private long rackSentAt;
    private long minRtt = Long.MAX_VALUE;
    private int reorderMultiple = 1;
    private int highestAcked = -1;
    // The tally of the ACK being read: how many datagrams it newly acknowledged, and the most
    // recently sent of them, whose round trip is the RTT sample (unless it was a retransmission).
    private int newlyAcked;
    private long newestAckedSentAt;
    private boolean newestAckedRetransmitted;

    private long offerSentAt;
    private boolean offerResent;
    private long lastHeard;
    private boolean heardAny;
    private long timerDeadline;
    private ScheduledFuture<?> timer;
    private long sentCount;
    private long resentCount;
    private int timeouts;

    OutgoingTransfer(long id, InetSocketAddress to, FileChannel file, long size, String fileName, String presenter,
                     String audience, PeerOptions options, Executor disk, TransferEvents events, Channel channel,
                     Runnable onOver) {
        this.id = id;
        this.to = to;
        this.file = file;
        this.size = size;
        this.fileName = fileName;
        this.presenter = presenter;
        this.audience = audience;
        this.proposedPayload = Payloads.forDestination(to, options.maxLocalPayload());
        this.options = options;
        this.disk = disk;
        this.events = events;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.onOver = onOver;
        this.rtt = new RttEstimator(options.initialRto().toNanos(), options.minRto().toNanos(), options.maxRto().toNanos());
        this.progress = new ProgressGate(size);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** On the event loop: sends the OFFER and starts the clock. */
    void start() {
        long now = System.nanoTime();
        lastHeard = now;
        offerSentAt = now;
        write(new Offer(id, size, proposedPayload, presenter, fileName));
        channel.flush();
        armTimer(now + rtt.rto());
    }

    void onAccept(Accept a) {
        heard();
        if (phase != Phase.OFFERING) {
            return;
        }
        if (a.payloadSize() < UvfFormat.MIN_PAYLOAD || a.payloadSize() > proposedPayload) {
            fail("the receiver answered with an unusable datagram size", true);
            return;
        }
        long now = System.nanoTime();
        if (!offerResent) {
            rtt.sample(now - offerSentAt);
            minRtt = now - offerSentAt;
        }
        payload = a.payloadSize();
        count = (int) UvfFormat.datagramCount(size, payload);
        ring = options.windowDatagrams(payload);
        slots = new ByteBuf[ring];
        sentAt = new long[ring];
        retransmitted = new boolean[ring];
        acked = new boolean[ring];
        lost = new boolean[ring];
        lostQueue = new int[2 * ring];
        rwnd = a.window();
        if (count == 0) {
            sha = digest.digest();
        }
        phase = Phase.SENDING;
        timerDeadline = now + rtt.rto();
        pump();
    }

    void onAck(Ack a) {
        heard();
        if (phase != Phase.SENDING) {
            return;
        }
        long now = System.nanoTime();
        int cum = Math.min(a.cumulative(), nextSeq);
        newlyAcked = 0;
        newestAckedSentAt = Long.MIN_VALUE;
        newestAckedRetransmitted = true;
        for (int s = base; s < cum; s++) {
            int i = s % ring;
            if (!acked[i]) {
                ackOne(i, now);
            }
            clear(i);
        }
        if (cum > base) {
            base = cum;
        }
        int limit = Math.min(a.sackBits(), nextSeq - cum - 1);
        // An ACK overtaken by a later one may still name datagrams below base, whose slots are reused.
        for (int b = Math.max(0, base - cum - 1); b < limit; b++) {
            if (a.sacked(b)) {
                int s = cum + 1 + b;
                int i = s % ring;
                if (!acked[i]) {
                    ackOne(i, now);
                    highestAcked = Math.max(highestAcked, s);
                }
            }
        }
        highestAcked = Math.max(highestAcked, base - 1);
        rwnd = a.window();
        if (newlyAcked > 0) {
            if (!newestAckedRetransmitted) {
                rtt.sample(now - newestAckedSentAt);
                minRtt = Math.min(minRtt, now - newestAckedSentAt);
            }
            rtt.resetBackOff();
            rackSentAt = Math.max(rackSentAt, newestAckedSentAt);
            cwnd += cwnd < ssthresh ? newlyAcked : (double) newlyAcked / cwnd;
            cwnd = Math.min(cwnd, ring);
            timerDeadline = now + rtt.rto();
            detectLosses(now);
            long done = Math.min(size, (long) base * payload);
            if (progress.passes(done)) {
                events.progress(fileName, audience, true, done, size);
            }
        }
        pump();
    }

    void onDone() {
        heard();
        if (phase == Phase.FINISHING) {
            over();
            future.complete(null);
        }
    }

    void onReject(Reject r) {
        heard();
        String reason = r.code() == RejectCode.UNKNOWN_TRANSFER
                ? "the receiver lost track of the transfer" : "the receiver refused the file: " + r.reason();
        fail(reason, false);
    }

    /** Ends the transfer with {@code message}; tells the audience when it may still be listening. */
    void fail(String message, boolean tellAudience) {
        if (phase == Phase.OVER) {
            return;
        }
        if (tellAudience) {
            write(new Reject(id, RejectCode.ABANDONED, message));
            channel.flush();
        }
        over();
        future.completeExceptionally(new TransferFailedException(message));
    }

    /** Marks datagram at ring index {@code i} delivered and frees its buffer early. */
    /** Marks slot {@code i} acknowledged and counts it in the tally of the ACK being read. */
    private void ackOne(int i, long now) {
        newlyAcked++;
        if (sentAt[i] > newestAckedSentAt) {
            newestAckedSentAt = sentAt[i];
            newestAckedRetransmitted = retransmitted[i];
        }
        if (retransmitted[i] && minRtt != Long.MAX_VALUE && now - sentAt[i] < minRtt) {
            // Acknowledged faster than any round trip: the original arrived, only late. Allow more reordering.
            reorderMultiple = Math.min(16, reorderMultiple + 1);
        }
        acked[i] = true;
        if (!lost[i]) {
            pipe--;
        }
        lost[i] = false;
        if (slots[i] != null) {
            slots[i].release();
            slots[i] = null;
        }
    }

    private void clear(int i) {
        if (slots[i] != null) {
            slots[i].release();
            slots[i] = null;
        }
        acked[i] = false;
        lost[i] = false;
        retransmitted[i] = false;
    }

    /**
     * RACK: a datagram is lost when one sent sufficiently later has been delivered. The allowance
     * starts at a quarter of the minimum round trip and grows each time a retransmission proves
     * spurious, up to one smoothed round trip.
     */
    private void detectLosses(long now) {
        long quarters = minRtt == Long.MAX_VALUE ? 0 : reorderMultiple * (minRtt / 4);
        long reorder = Math.max(MIN_REORDER, Math.min(quarters, rtt.srtt(0)));
        int end = Math.min(nextSeq, highestAcked);
        for (int s = base; s < end; s++) {
            int i = s % ring;
            if (!acked[i] && !lost[i] && rackSentAt - sentAt[i] > reorder) {
                markLost(s, i, now);
            }
        }
    }

    private void markLost(int s, int i, long now) {
        lost[i] = true;
        pipe--;
        if (lostSize == lostQueue.length) {
            compactLostQueue();
        }
        lostQueue[(lostHead + lostSize) % lostQueue.length] = s;
        lostSize++;
        if (sentAt[i] - recoveryStart > 0) {
            // One reduction per round of losses: only a datagram sent after the last cut can cause another.
            cwnd = Math.max(MIN_CWND, cwnd * BETA);
            ssthresh = cwnd;
            recoveryStart = now;
        }
    }

    /**
     * Drops entries of datagrams acknowledged since they were queued. At most {@code ring} entries
     * are live (one per datagram in the window), so this always makes room.
     */
    private void compactLostQueue() {
        int kept = 0;
        int[] live = new int[lostQueue.length];
        for (int k = 0; k < lostSize; k++) {
            int s = lostQueue[(lostHead + k) % lostQueue.length];
            if (s >= base && lost[s % ring]) {
                live[kept++] = s;
            }
        }
        System.arraycopy(live, 0, lostQueue, 0, kept);
        lostHead = 0;
        lostSize = kept;
    }

    private int nextLost() {
        while (lostSize > 0) {
            int s = lostQueue[lostHead];
            lostHead = (lostHead + 1) % lostQueue.length;
            lostSize--;
            if (s >= base && lost[s % ring]) {
                return s;
            }
        }
        return -1;
    }

    /** Sends what the windows allow: lost datagrams first, then new ones; asks for more file when short. */
    private void pump() {
        if (phase != Phase.SENDING) {
            return;
        }
        long now = System.nanoTime();
        boolean sent = false;
        int limit = (int) Math.min(cwnd, ring);
        while (pipe < limit) {
            int s = nextLost();
            if (s >= 0) {
                transmit(s, now, true);
            } else if (nextSeq < readSeq && nextSeq < (long) base + rwnd) {
                transmit(nextSeq++, now, false);
            } else {
                break;
            }
            sent = true;
        }
        readAhead();
        if (base == count && sha != null) {
            phase = Phase.FINISHING;
            sendFin(now);
            sent = true;
        }
        if (sent) {
            channel.flush();
        }
    }

    private void transmit(int s, long now, boolean again) {
        int i = s % ring;
        if (pipe == 0) {
            timerDeadline = now + rtt.rto();
        }
        sentAt[i] = now;
        if (again) {
            retransmitted[i] = true;
            lost[i] = false;
        }
        pipe++;
        sentCount++;
        if (again) {
            resentCount++;
        }
        channel.write(new DatagramPacket(slots[i].retainedDuplicate(), to));
    }

    private void sendFin(long now) {
        write(new Fin(id, count, sha));
        timerDeadline = now + rtt.rto();
    }

    /** Starts a read on the disk executor when the window reaches past what has been read. */
    private void readAhead() {
        if (reading || readSeq >= count || readSeq - base >= ring) {
            return;
        }
        reading = true;
        int from = readSeq;
        int to = (int) Math.min(Math.min(count, (long) base + ring), from + Math.max(1, READ_BATCH_BYTES / payload));
        disk.execute(() -> read(from, to));
    }

    /** On the disk executor: reads datagrams [from, to) whole, in order, hashing as it goes. */
    private void read(int from, int to) {
        ByteBuf[] bufs = new ByteBuf[to - from];
        byte[] hash = null;
        IOException failure = null;
        ByteBufAllocator alloc = channel.alloc();
        try {
            for (int s = from; s < to; s++) {
                long offset = (long) s * payload;
                int length = (int) Math.min(payload, size - offset);
                ByteBuf buf = alloc.directBuffer(UvfFormat.DATA_OVERHEAD + length);
                bufs[s - from] = buf;
                UvfCodec.writeDataHeader(buf, id, s);
                int done = 0;
                while (done < length) {
                    int n = buf.writeBytes(file, offset + done, length - done);
                    if (n < 0) {
                        throw new EOFException("the file got shorter while it was being sent");
                    }
                    done += n;
                }
                digest.update(buf.nioBuffer(UvfFormat.DATA_OVERHEAD, length));
            }
            if (to == count) {
                hash = digest.digest();
            }
        } catch (IOException e) {
            failure = e;
        }
        byte[] finalHash = hash;
        IOException finalFailure = failure;
        loop.execute(() -> onRead(from, bufs, finalHash, finalFailure));
    }

    private void onRead(int from, ByteBuf[] bufs, byte[] hash, IOException failure) {
        reading = false;
        if (phase == Phase.OVER || failure != null) {
            for (ByteBuf b : bufs) {
                if (b != null) {
                    b.release();
                }
            }
            if (failure != null) {
                fail("the file could not be read: " + failure.getMessage(), true);
            }
            return;
        }
        if (pipe == 0 && lostSize == 0) {
            // Nothing was outstanding while the disk worked, so the audience had nothing to answer.
            lastHeard = Math.max(lastHeard, System.nanoTime());
        }
        for (int k = 0; k < bufs.length; k++) {
            slots[(from + k) % ring] = bufs[k];
        }
        readSeq = from + bufs.length;
        if (hash != null) {
            sha = hash;
        }
        pump();
    }

    private void heard() {
        lastHeard = System.nanoTime();
        heardAny = true;
    }

    private void armTimer(long deadline) {
        timerDeadline = deadline;
        if (timer == null) {
            timer = loop.schedule(this::onTimer, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * One timer per transfer, re-armed lazily: acknowledgements only move {@link #timerDeadline}, and
     * the timer, when it fires early, sleeps again until then.
     */
    private void onTimer() {
        timer = null;
        if (phase == Phase.OVER) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastHeard > options.silenceTimeout().toNanos()) {
            fail(heardAny ? "the receiver stopped answering" : "the receiver did not answer", heardAny);
            return;
        }
        if (now - timerDeadline < 0) {
            armTimer(timerDeadline);
            return;
        }
        switch (phase) {
            case OFFERING -> {
                offerResent = true;
                rtt.backOff();
                write(new Offer(id, size, proposedPayload, presenter, fileName));
                channel.flush();
            }
            case SENDING -> onRetransmissionTimeout(now);
            case FINISHING -> {
                rtt.backOff();
                sendFin(now);
                channel.flush();
            }
            default -> {
            }
        }
        armTimer(now + rtt.rto());
        pump();
    }

    private void onRetransmissionTimeout(long now) {
        if (pipe > 0) {
            // Nothing came back for a whole RTO: presume everything outstanding lost.
            timeouts++;
            rtt.backOff();
            for (int s = base; s < nextSeq; s++) {
                int i = s % ring;
                if (!acked[i] && !lost[i]) {
                    markLost(s, i, now);
                }
            }
        } else if (lostSize == 0 && nextSeq < readSeq && nextSeq >= (long) base + rwnd) {
            // The audience's window is shut and its update may be lost: probe with the next datagram.
            rtt.backOff();
            transmit(nextSeq++, now, false);
            channel.flush();
        }
    }

    private void write(UvfDatagram d) {
        ByteBuf buf = channel.alloc().directBuffer(64);
        UvfCodec.encode(d, buf);
        channel.write(new DatagramPacket(buf, to));
    }

    private void over() {
        phase = Phase.OVER;
        log.debug("Transfer {} of {} to {} over: {} datagrams of {} B sent, {} again, {} time-outs, cwnd {}, srtt {} us",
                Long.toHexString(id), fileName, to, sentCount, payload, resentCount, timeouts, (int) cwnd,
                rtt.srtt(-1000) / 1000);
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (slots != null) {
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null) {
                    slots[i].release();
                    slots[i] = null;
                }
            }
        }
        try {
            disk.execute(this::closeFile);
        } catch (RejectedExecutionException e) {
            closeFile();
        }
        onOver.run();
    }

    private void closeFile() {
        try {
            file.close();
        } catch (IOException ignored) {
            // A file only read from: closing cannot lose anything.
        }
    }
}
