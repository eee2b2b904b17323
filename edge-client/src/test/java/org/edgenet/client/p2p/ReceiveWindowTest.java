package org.edgenet.client.p2p;

import org.edgenet.common.p2p.Ack;
import org.junit.jupiter.api.Test;

import static org.edgenet.client.p2p.ReceiveWindow.Arrival.BEYOND_WINDOW;
import static org.edgenet.client.p2p.ReceiveWindow.Arrival.DUPLICATE;
import static org.edgenet.client.p2p.ReceiveWindow.Arrival.NEW;
import static org.edgenet.client.p2p.ReceiveWindow.Arrival.PAST_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audience's book of arrivals: classification, the cumulative point and the SACK bitmap. */
class ReceiveWindowTest {
    private final ReceiveWindow window = new ReceiveWindow(100, 16);

    @Test
    void arrivalsAreNewOnceThenDuplicatesAndNothingPastTheRingOrTheEndIsTaken() {
        assertEquals(NEW, window.classify(3), "first arrival");
        window.record(3);
        assertEquals(DUPLICATE, window.classify(3), "second arrival");
        assertEquals(BEYOND_WINDOW, window.classify(16), "first missing is 0, ring of 16");
        assertEquals(NEW, window.classify(15), "last place in the ring");
        assertEquals(PAST_END, window.classify(100), "a file of 100 datagrams");
    }

    @Test
    void theCumulativePointMovesPastEveryRunAndTheRingSlidesWithIt() {
        window.record(1);
        window.record(2);
        assertEquals(0, window.cumulative(), "0 still missing");

        window.record(0);

        assertEquals(3, window.cumulative(), "0, 1 and 2 arrived");
        assertEquals(DUPLICATE, window.classify(1), "below the cumulative point");
        assertEquals(NEW, window.classify(18), "the ring now reaches 3 + 16");
    }

    @Test
    void theAckCarriesOneSackBitPerDatagramAfterTheFirstMissingUpToTheHighest() {
        window.record(0);
        window.record(2);
        window.record(5);

        Ack a = window.ack(7, 9);

        assertEquals(1, a.cumulative(), "first missing");
        assertEquals(9, a.window(), "window passed through");
        assertEquals(4, a.sackBits(), "datagrams 2 to 5");
        assertTrue(a.sacked(0) && a.sacked(3), "2 and 5 arrived");
        assertFalse(a.sacked(1) || a.sacked(2), "3 and 4 did not");
    }

    @Test
    void aWindowIsCompleteOnceEveryDatagramArrived() {
        ReceiveWindow small = new ReceiveWindow(2, 16);
        small.record(1);
        assertFalse(small.complete(), "0 missing");
        small.record(0);
        assertTrue(small.complete(), "both arrived");
        assertEquals(0, small.ack(1, 0).sackBits(), "nothing past the end to report");
    }
}
