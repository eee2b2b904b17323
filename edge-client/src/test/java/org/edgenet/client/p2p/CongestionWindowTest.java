package org.edgenet.client.p2p;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Slow start, one cut per round of losses, the floor and the ceiling. */
class CongestionWindowTest {
    @Test
    void slowStartAddsEveryAcknowledgedDatagramUpToTheCeiling() {
        CongestionWindow w = new CongestionWindow(40);
        w.acked(16);
        assertEquals(32, w.window(), "doubled in one round");
        w.acked(16);
        assertEquals(40, w.window(), "capped by the ring");
    }

    @Test
    void lossesOfOneRoundCutOnceAndOnlyALaterDatagramsLossCutsAgain() {
        CongestionWindow w = new CongestionWindow(1000);
        w.lost(100, 200);
        w.lost(150, 210);
        assertEquals(11, w.window(), "16 x 0.7, once for both");
        w.lost(201, 300);
        assertEquals(7, w.window(), "sent after the cut: 11.2 x 0.7");
        w.acked(7);
        assertEquals(8, w.window(), "congestion avoidance: one datagram per window acknowledged");
    }

    @Test
    void theWindowNeverFallsBelowFour() {
        CongestionWindow w = new CongestionWindow(1000);
        for (int round = 0; round < 10; round++) {
            w.lost(round * 10 + 1, round * 10 + 5);
        }
        assertEquals(4, w.window(), "floor");
    }
}
