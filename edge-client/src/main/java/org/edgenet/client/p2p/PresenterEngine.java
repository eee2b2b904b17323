package org.edgenet.client.p2p;

import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.RejectCode;
import org.edgenet.common.p2p.UvfFormat;

import java.util.concurrent.TimeUnit;

/**
 * The presenter's side of one transfer as a plain state machine: every event comes with the time it
 * happens at, and what to do goes to the {@link Output}; {@link #deadline()} says when to call
 * {@link #timer} next. No I/O, no clock, no threads, so tests drive it with made-up times.
 *
 * <p>OFFER until ACCEPT (its round trip is the first RTT sample); then DATA through a
 * {@link SendWindow} within the {@link CongestionWindow}, the audience's window and what the reader
 * has loaded; FIN with the file's SHA-256 once everything is acknowledged, until DONE or REJECT.
 * Four timers, one deadline:
 * <ul>
 *   <li>retransmission (RFC 6298, {@link RttEstimator}): OFFER and FIN again; with data in flight,
 *       everything outstanding presumed lost; with the audience's window shut and nothing in flight,
 *       the next datagram as a probe;</li>
 *   <li>tail probe (RFC 8985 section 7): two round trips after the last new data with no answer, one
 *       datagram (new if any, else the highest outstanding) so that a lost tail is found by the
 *       acknowledgement of the probe rather than by the retransmission time-out;</li>
 *   <li>reordering (RACK): a hole waits out the reordering allowance, then counts as lost;</li>
 *   <li>silence: the audience said nothing for {@link PeerOptions#silenceTimeout()}.</li>
 * </ul>
 *
 * <p>Longer than 300 lines on purpose: the four timers share one deadline and one view of what is
 * in flight, and keeping every transition of the state machine in one class is what lets a test
 * read it as one table; the windows and estimators it uses are already classes of their own.
 */
final class PresenterEngine {
    /** What the engine asks of its transfer. */
    interface Output {
        void sendOffer();

        /** Sends DATA {@code seq}, which {@link #loaded} reported read; {@code again} when sent before. */
        void sendData(int seq, boolean again);

        void sendFin();

        /** Reads datagrams {@code [from, to)} of the file, then reports with {@link #loaded}. */
        void read(int from, int to);

        /** The audience holds the first {@code bytes} bytes of the file. */
        void progress(long bytes);

        /** DONE: the audience stored the file. */
        void delivered();

        /** The transfer is over without success; {@code tellAudience} when a REJECT should say so. */
        void failed(String reason, boolean tellAudience);
    }

    private enum Phase { OFFERING, SENDING, FINISHING, OVER }

    static final int READ_BATCH_BYTES = 1024 * 1024;
    /** Floor of the tail-probe time-out: a busy receiver answers within this even on loopback. */
    static final long MIN_PROBE_TIMEOUT = TimeUnit.MILLISECONDS.toNanos(2);

    private final long size;
    private final int proposedPayload;
    private final PeerOptions options;
    private final Output out;
    private final RttEstimator rtt;
    private final ReorderWindow reorder = new ReorderWindow();

    private Phase phase = Phase.OFFERING;
    private int payload;
    private int count;
    private int ring;
    private CongestionWindow congestion;
    private SendWindow window;
    private int loaded;
    private boolean reading;

    private long lastHeard;
    private boolean heardAny;
    private long offerSentAt;
    private boolean offerResent;
    private final Timer retransmit = new Timer();
    private final Timer probe = new Timer();
    private final Timer reordering = new Timer();
    /** A tail probe went out and no new data was acknowledged since: no second one. */
    private boolean probed;

    private long sent;
    private long resent;
    private int timeouts;
    private int probes;

    /** One deadline that may be unset; times compare by difference, so any long is a valid time. */
    private static final class Timer {
        boolean armed;
        long at;

        void arm(long at) {
            this.armed = true;
            this.at = at;
        }

        void disarm() {
            armed = false;
        }

        boolean due(long now) {
            return armed && now - at >= 0;
        }

        /** The earlier of this deadline, when armed, and {@code other}. */
        long before(long other) {
            return armed && at - other < 0 ? at : other;
        }
    }

    PresenterEngine(long size, int proposedPayload, PeerOptions options, Output out) {
        this.size = size;
        this.proposedPayload = proposedPayload;
        this.options = options;
        this.out = out;
        this.rtt = new RttEstimator(options.initialRto().toNanos(), options.minRto().toNanos(),
                options.maxRto().toNanos());
    }

    int payload() {
        return payload;
    }

    int count() {
        return count;
    }

    int ring() {
        return ring;
    }

    boolean isOver() {
        return phase == Phase.OVER;
    }

    /** When {@link #timer} must run next; meaningless once {@link #isOver()}. */
    long deadline() {
        long d = lastHeard + options.silenceTimeout().toNanos();
        d = retransmit.before(d);
        d = probe.before(d);
        return reordering.before(d);
    }

    void start(long now) {
        lastHeard = now;
        offerSentAt = now;
        out.sendOffer();
        retransmit.arm(now + rtt.rto());
    }

    void accepted(long now, int acceptedPayload, int receiveWindow) {
        heard(now);
        if (phase != Phase.OFFERING) {
            return;
        }
        if (acceptedPayload < UvfFormat.MIN_PAYLOAD || acceptedPayload > proposedPayload) {
            fail("the receiver answered with an unusable datagram size", true);
            return;
        }
        if (!offerResent) {
            rtt.sample(now - offerSentAt);
            reorder.sample(now - offerSentAt);
        }
        payload = acceptedPayload;
        count = (int) UvfFormat.datagramCount(size, payload);
        ring = options.windowDatagrams(payload);
        congestion = new CongestionWindow(ring);
        window = new SendWindow(count, ring, receiveWindow, congestion, reorder);
        phase = Phase.SENDING;
        retransmit.disarm();
        pump(now);
    }

    void acked(long now, Ack a) {
        heard(now);
        if (phase != Phase.SENDING) {
            return;
        }
        int before = window.base();
        int newly = window.ack(now, a);
        if (newly > 0) {
            long sample = window.rttSample();
            if (sample >= 0) {
                rtt.sample(sample);
                reorder.sample(sample);
            }
            rtt.resetBackOff();
            congestion.acked(newly);
            probed = false;
            if (window.inFlight() > 0) {
                retransmit.arm(now + rtt.rto());
                probe.arm(now + probeTimeout());
            } else {
                retransmit.disarm();
                probe.disarm();
            }
            detectLosses(now);
            if (window.base() > before) {
                out.progress(Math.min(size, (long) window.base() * payload));
            }
        }
        pump(now);
    }

    void done(long now) {
        heard(now);
        if (phase == Phase.FINISHING) {
            phase = Phase.OVER;
            out.delivered();
        }
    }

    void rejected(long now, RejectCode code, String reason) {
        heard(now);
        fail(code == RejectCode.UNKNOWN_TRANSFER
                ? "the receiver lost track of the transfer" : "the receiver refused the file: " + reason, false);
    }

    /** Ends the transfer from outside (the device is closing, a send failed). */
    void fail(String reason, boolean tellAudience) {
        if (phase != Phase.OVER) {
            phase = Phase.OVER;
            out.failed(reason, tellAudience);
        }
    }

    /** The reader has datagrams up to {@code to} (exclusive) ready to send. */
    void loaded(long now, int to) {
        reading = false;
        if (phase != Phase.SENDING) {
            return;
        }
        if (window.inFlight() == 0 && window.lostCount() == 0 && now - lastHeard > 0) {
            // Nothing was outstanding while the disk worked, so the audience had nothing to answer.
            lastHeard = now;
        }
        loaded = to;
        pump(now);
    }

    void readFailed(String problem) {
        reading = false;
        fail("the file could not be read: " + problem, true);
    }

    void timer(long now) {
        if (phase == Phase.OVER) {
            return;
        }
        if (now - lastHeard >= options.silenceTimeout().toNanos()) {
            fail(heardAny ? "the receiver stopped answering" : "the receiver did not answer", heardAny);
            return;
        }
        switch (phase) {
            case OFFERING -> {
                if (retransmit.due(now)) {
                    offerResent = true;
                    rtt.backOff();
                    out.sendOffer();
                    retransmit.arm(now + rtt.rto());
                }
            }
            case SENDING -> {
                if (reordering.due(now)) {
                    reordering.disarm();
                    detectLosses(now);
                }
                if (retransmit.due(now)) {
                    retransmissionTimeout(now);
                } else if (probe.due(now)) {
                    tailProbe(now);
                }
                pump(now);
            }
            case FINISHING -> {
                if (retransmit.due(now)) {
                    rtt.backOff();
                    out.sendFin();
                    retransmit.arm(now + rtt.rto());
                }
            }
            default -> {
            }
        }
    }

    private void retransmissionTimeout(long now) {
        retransmit.disarm();
        probe.disarm();
        if (window.inFlight() > 0) {
            // Nothing came back for a whole time-out: presume everything outstanding lost.
            timeouts++;
            rtt.backOff();
            window.allLost(now);
        } else if (window.lostCount() == 0 && window.shutByReceiver()) {
            // The audience's window is shut and its update may be lost: probe with the next datagram.
            rtt.backOff();
            int s = window.takeProbe(now, loaded);
            if (s >= 0) {
                transmit(s, false, now);
            }
            retransmit.arm(now + rtt.rto());
        }
    }

    private void tailProbe(long now) {
        probe.disarm();
        if (probed || window.inFlight() == 0) {
            return;
        }
        probed = true;
        probes++;
        int s = window.shutByReceiver() ? -1 : window.takeProbe(now, loaded);
        if (s >= 0) {
            transmit(s, false, now);
        } else {
            s = window.takeTail(now);
            if (s >= 0) {
                transmit(s, true, now);
            }
        }
    }

    private void detectLosses(long now) {
        long wake = window.detectLosses(now, reorder.allowance(rtt.srtt(0)));
        if (wake != now) {
            reordering.arm(wake);
        } else {
            reordering.disarm();
        }
    }

    /** Sends what the windows allow, asks for more of the file, and moves on to FIN at the end. */
    private void pump(long now) {
        if (phase != Phase.SENDING) {
            return;
        }
        int s;
        while ((s = window.take(now, loaded)) >= 0) {
            transmit(s, window.lastTakenAgain(), now);
        }
        readAhead();
        if (window.allAcked() && loaded == count) {
            phase = Phase.FINISHING;
            retransmit.disarm();
            probe.disarm();
            reordering.disarm();
            out.sendFin();
            // The first FIN is a tail of one datagram: resent after a probe time-out, then on the RTO.
            retransmit.arm(now + probeTimeout());
        } else if (window.inFlight() == 0 && window.lostCount() == 0 && window.shutByReceiver()
                && !retransmit.armed) {
            retransmit.arm(now + rtt.rto());
        }
    }

    private void transmit(int s, boolean again, long now) {
        sent++;
        if (again) {
            resent++;
        } else if (!probed) {
            probe.arm(now + probeTimeout());
        }
        if (!retransmit.armed) {
            retransmit.arm(now + rtt.rto());
        }
        out.sendData(s, again);
    }

    private void readAhead() {
        if (reading || loaded >= count || loaded - window.base() >= ring) {
            return;
        }
        reading = true;
        int to = (int) Math.min(Math.min(count, (long) window.base() + ring),
                loaded + Math.max(1, READ_BATCH_BYTES / payload));
        out.read(loaded, to);
    }

    /** Two smoothed round trips, at least {@link #MIN_PROBE_TIMEOUT}, at most the retransmission time-out. */
    private long probeTimeout() {
        return Math.min(rtt.rto(), Math.max(MIN_PROBE_TIMEOUT, 2 * rtt.srtt(rtt.rto())));
    }

    private void heard(long now) {
        lastHeard = now;
        heardAny = true;
    }

    /** For the transfer's closing log line. */
    String summary() {
        return sent + " datagrams of " + payload + " B sent, " + resent + " again, " + timeouts + " time-outs, "
                + probes + " tail probes, cwnd " + (congestion == null ? 0 : congestion.window()) + ", srtt "
                + rtt.srtt(-1000) / 1000 + " us";
    }
}
