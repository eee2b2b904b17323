package org.edgenet.client.p2p;

import org.edgenet.common.p2p.Ack;
import org.edgenet.common.p2p.RejectCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The presenter's engine with made-up times: what it sends, and exactly when, for each kind of loss.
 * Every transfer here offers at 0 ms and is accepted at 10 ms, so the first round trip is 10 ms:
 * RTO = 10 + 4 x 5 = 30 ms, raised to the 50 ms floor; tail-probe time-out 2 x 10 = 20 ms; reordering
 * allowance a quarter of the minimum round trip, 2.5 ms. Datagrams are 1,000 bytes.
 */
class PresenterEngineTest {
    private static final int PAYLOAD = 1000;
    private static final PeerOptions OPTIONS = PeerOptions.DEFAULTS.withSilenceTimeout(Duration.ofSeconds(2));

    private final List<String> log = new ArrayList<>();
    private long now;
    private int[] pendingRead;
    private PresenterEngine engine;

    /** Records what the engine does, stamped with the current made-up time. */
    private final PresenterEngine.Output output = new PresenterEngine.Output() {
        @Override
        public void sendOffer() {
            record("OFFER");
        }

        @Override
        public void sendData(int seq, boolean again) {
            record("DATA " + seq + (again ? " again" : ""));
        }

        @Override
        public void sendFin() {
            record("FIN");
        }

        @Override
        public void read(int from, int to) {
            pendingRead = new int[] {from, to};
        }

        @Override
        public void progress(long bytes) {
        }

        @Override
        public void delivered() {
            record("delivered");
        }

        @Override
        public void failed(String reason, boolean tellAudience) {
            record("failed: " + reason + (tellAudience ? " (told)" : ""));
        }
    };

    private void record(String what) {
        log.add(at(now) + what);
    }

    private static String at(long nanos) {
        return String.format("%.1f ms: ", nanos / 1e6);
    }

    private static long ms(double ms) {
        return Math.round(ms * 1_000_000);
    }

    /** Offers a file of {@code datagrams} datagrams at 0 ms, accepted at 10 ms with {@code window}; the reader is instant. */
    private void startTransfer(int datagrams, int window) {
        engine = new PresenterEngine((long) datagrams * PAYLOAD, PAYLOAD, OPTIONS, output);
        engine.start(now);
        now = ms(10);
        engine.accepted(now, PAYLOAD, window);
        serveReads();
    }

    /** The disk answers at once: reports every read the engine asked for. */
    private void serveReads() {
        while (pendingRead != null) {
            int to = pendingRead[1];
            pendingRead = null;
            engine.loaded(now, to);
        }
    }

    private void ack(double atMs, int cumulative, int window, int... sacked) {
        advanceTo(ms(atMs));
        int bits = sacked.length == 0 ? 0 : sacked[sacked.length - 1] - cumulative;
        long[] sack = new long[(bits + 63) / 64];
        for (int s : sacked) {
            int i = s - cumulative - 1;
            sack[i / 64] |= 1L << (i % 64);
        }
        engine.acked(now, new Ack(1, cumulative, window, bits, sack));
        serveReads();
    }

    private void done(double atMs) {
        advanceTo(ms(atMs));
        engine.done(now);
    }

    /** Runs the timers due up to {@code t}, each at its own deadline, the way the transfer's timer does. */
    private void advanceTo(long t) {
        while (!engine.isOver() && engine.deadline() - t <= 0) {
            now = Math.max(now, engine.deadline());
            engine.timer(now);
            serveReads();
        }
        now = t;
    }

    private List<String> taken() {
        List<String> copy = List.copyOf(log);
        log.clear();
        return copy;
    }

    private static List<String> data(double atMs, int from, int to) {
        return IntStream.range(from, to).mapToObj(s -> at(ms(atMs)) + "DATA " + s).toList();
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void aLosslessTransferSendsTheWholeWindowThenFinOnceEverythingIsAcknowledged() {
        startTransfer(10, 64);
        ack(20, 10, 64);
        done(21);

        assertEquals(concat(concat(List.of("0.0 ms: OFFER"), data(10, 0, 10).toArray(String[]::new)),
                "20.0 ms: FIN", "21.0 ms: delivered"), taken(), "what was sent, and when");
    }

    @Test
    void aSingleLossIsResentOnceTheReorderingAllowanceHasPassed() {
        startTransfer(10, 64);
        taken();

        ack(20, 3, 64, 4, 5, 6, 7, 8, 9);
        advanceTo(ms(30));
        ack(32.5, 10, 64);

        assertEquals(List.of("22.5 ms: DATA 3 again", "32.5 ms: FIN"), taken(),
                "datagram 3 waits 2.5 ms for reordering, then goes again; nothing else is resent");
    }

    @Test
    void aBurstLossIsResentAtOnceAndInOrder() {
        startTransfer(10, 64);
        taken();

        ack(20, 2, 64, 6, 7, 8, 9);
        advanceTo(ms(30));

        assertEquals(List.of("22.5 ms: DATA 2 again", "22.5 ms: DATA 3 again", "22.5 ms: DATA 4 again",
                "22.5 ms: DATA 5 again"), taken(), "the four holes, once each");
    }

    @Test
    void aLostTailIsFoundByAProbeTwoRoundTripsLaterNotByTheRetransmissionTimeOut() {
        startTransfer(10, 64);
        taken();

        ack(20, 8, 64);
        advanceTo(ms(45));
        ack(50, 8, 64, 9);
        ack(60, 10, 64);

        assertEquals(List.of("40.0 ms: DATA 9 again", "50.0 ms: DATA 8 again", "60.0 ms: FIN"), taken(),
                "the probe (the last datagram) at 20 + 2 x 10 ms; its SACK shows 8 missing; the RTO (70 ms) never fires");
    }

    @Test
    void reorderingWithinTheAllowanceResendsNothing() {
        startTransfer(10, 64);
        taken();

        ack(20, 3, 64, 4, 5, 6, 7, 8, 9);
        ack(22, 10, 64);
        advanceTo(ms(40));

        assertEquals(List.of("22.0 ms: FIN"), taken(), "datagram 3 came 2 ms late: no retransmission");
    }

    @Test
    void reorderingBeyondTheAllowanceResendsOnceAndWidensTheAllowance() {
        startTransfer(20, 64);
        taken();

        ack(20, 3, 64, IntStream.range(4, 16).toArray());
        ack(24, 16, 64);
        ack(30, 16, 64, 17, 18, 19);
        advanceTo(ms(40));

        assertEquals(List.of("20.0 ms: DATA 16", "20.0 ms: DATA 17", "20.0 ms: DATA 18", "20.0 ms: DATA 19",
                        "22.5 ms: DATA 3 again", "35.0 ms: DATA 16 again"), taken(),
                "3 is resent at 22.5 ms but acknowledged 1.5 ms later, faster than a round trip: the allowance"
                        + " doubles, so the next hole (16) waits 5 ms");
    }

    @Test
    void duplicatedAndStaleAcknowledgementsChangeNothing() {
        startTransfer(10, 64);
        taken();

        ack(12, 5, 64);
        ack(12.5, 5, 64);
        ack(13, 2, 64);
        ack(14, 5, 64);
        ack(15, 10, 64);

        assertEquals(List.of("15.0 ms: FIN"), taken(), "only the last ACK moved anything");
    }

    @Test
    void anAcknowledgementOfDatagramsNeverSentCountsOnlyThoseSent() {
        startTransfer(20, 64);
        taken();

        ack(20, 1000, 64, 1001, 1002);

        assertEquals(data(20, 16, 20), taken(), "the first 16 acknowledged, the last 4 sent, no FIN yet");
        ack(30, 20, 64);
        assertEquals(List.of("30.0 ms: FIN"), taken(), "FIN once the last 4 are acknowledged");
    }

    @Test
    void aShutReceiveWindowIsProbedOneDatagramAtATimeOnTheRetransmissionTimer() {
        startTransfer(10, 0);
        assertEquals(List.of("0.0 ms: OFFER"), taken(), "no data into a shut window");

        advanceTo(ms(59));
        assertEquals(List.of(), taken(), "nothing before the time-out");
        advanceTo(ms(60));
        ack(65, 1, 0);
        advanceTo(ms(114));
        assertEquals(List.of("60.0 ms: DATA 0"), taken(), "one probe at 10 + 50 ms");
        advanceTo(ms(115));
        ack(120, 2, 64);

        List<String> expected = new ArrayList<>(List.of("115.0 ms: DATA 1"));
        expected.addAll(data(120, 2, 10));
        assertEquals(expected, taken(), "the next probe 50 ms after the ACK, then the rest once the window opens");
    }

    @Test
    void theRetransmissionTimeOutResendsEverythingOutstandingAndDoublesEachTime() {
        startTransfer(3, 64);
        taken();

        advanceTo(ms(1500));

        assertEquals(List.of("30.0 ms: DATA 2 again",
                        "60.0 ms: DATA 0 again", "60.0 ms: DATA 1 again", "60.0 ms: DATA 2 again",
                        "160.0 ms: DATA 0 again", "160.0 ms: DATA 1 again", "160.0 ms: DATA 2 again",
                        "360.0 ms: DATA 0 again", "360.0 ms: DATA 1 again", "360.0 ms: DATA 2 again",
                        "760.0 ms: DATA 0 again", "760.0 ms: DATA 1 again", "760.0 ms: DATA 2 again"),
                taken(), "one tail probe at 30 ms, then time-outs of 50, 100, 200 and 400 ms");
        advanceTo(ms(1800));
        assertEquals(List.of("1560.0 ms: DATA 0 again", "1560.0 ms: DATA 1 again", "1560.0 ms: DATA 2 again"),
                taken(), "then 800 ms, and never more than the 1 s ceiling");
    }

    @Test
    void silenceAfterTheAcceptFailsTheTransferAndTellsTheAudience() {
        startTransfer(3, 64);
        taken();

        advanceTo(ms(2009));
        assertTrue(taken().stream().noneMatch(s -> s.contains("failed")), "still trying before 2 s of silence");
        advanceTo(ms(2010));

        assertEquals(List.of("2010.0 ms: failed: the receiver stopped answering (told)"), taken(),
                "2 s after the ACCEPT, the last thing heard");
        assertTrue(engine.isOver(), "over");
    }

    @Test
    void anOfferNobodyAnswersIsResentWithBackOffThenGivenUp() {
        engine = new PresenterEngine(1000, PAYLOAD, OPTIONS, output);
        engine.start(0);

        advanceTo(ms(3000));

        assertEquals(List.of("0.0 ms: OFFER", "300.0 ms: OFFER", "900.0 ms: OFFER", "1900.0 ms: OFFER",
                "2000.0 ms: failed: the receiver did not answer"), taken(), "initial RTO 300 ms, doubled, capped at 1 s");
    }

    @Test
    void theFinIsResentAfterAProbeTimeOutThenOnTheRetransmissionTimer() {
        startTransfer(1, 64);
        ack(20, 1, 64);
        taken();

        advanceTo(ms(200));

        assertEquals(List.of("40.0 ms: FIN", "140.0 ms: FIN"), taken(), "20 ms after the first FIN, then 100 ms");
    }

    @Test
    void anEmptyFileGoesStraightFromAcceptToFin() {
        engine = new PresenterEngine(0, PAYLOAD, OPTIONS, output);
        engine.start(0);
        now = ms(10);
        engine.accepted(now, PAYLOAD, 64);
        done(20);

        assertEquals(List.of("0.0 ms: OFFER", "10.0 ms: FIN", "20.0 ms: delivered"), taken(), "no data");
    }

    @Test
    void aRejectEndsTheTransferWithTheReceiversReason() {
        startTransfer(3, 64);
        taken();

        advanceTo(ms(15));
        engine.rejected(now, RejectCode.STORAGE_FAILED, "the receiver has no room for 3000 bytes");

        assertEquals(List.of("15.0 ms: failed: the receiver refused the file: the receiver has no room for 3000 bytes"),
                taken(), "not told back: the audience ended it");
    }

    @Test
    void anAcceptWithAPayloadLargerThanOfferedFailsTheTransfer() {
        engine = new PresenterEngine(3000, PAYLOAD, OPTIONS, output);
        engine.start(0);
        engine.accepted(ms(10), PAYLOAD + 1, 64);

        assertEquals(List.of("0.0 ms: OFFER", "0.0 ms: failed: the receiver answered with an unusable datagram size (told)"),
                taken(), "refused, and the audience hears so");
    }
}
