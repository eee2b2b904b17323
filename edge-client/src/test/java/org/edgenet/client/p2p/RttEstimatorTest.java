package org.edgenet.client.p2p;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RttEstimatorTest {
    private static final long MS = 1_000_000;

    @Test
    void theFirstSampleSetsSrttAndHalfOfItAsVariance() {
        RttEstimator rtt = new RttEstimator(300 * MS, 5 * MS, 1000 * MS);

        rtt.sample(100 * MS);

        assertEquals(100 * MS, rtt.srtt(0), "srtt");
        assertEquals(300 * MS, rtt.rto(), "rto = srtt + 4 * rttvar = 100 + 4 * 50");
    }

    @Test
    void laterSamplesSmoothAsRfc6298Says() {
        RttEstimator rtt = new RttEstimator(300 * MS, 1 * MS, 1000 * MS);
        rtt.sample(100 * MS);

        rtt.sample(20 * MS);

        assertEquals(90 * MS, rtt.srtt(0), "srtt = 7/8 100 + 1/8 20");
        assertEquals(90 * MS + 4 * 57_500_000L, rtt.rto(), "rttvar = 3/4 50 + 1/4 80 = 57.5");
    }

    @Test
    void timeOutsDoubleTheRtoUpToTheCeilingAndASampleEndsTheBackOff() {
        RttEstimator rtt = new RttEstimator(300 * MS, 5 * MS, 1000 * MS);

        rtt.backOff();
        assertEquals(600 * MS, rtt.rto(), "after one time-out");
        rtt.backOff();
        assertEquals(1000 * MS, rtt.rto(), "capped");
        rtt.sample(MS);
        assertEquals(5 * MS, rtt.rto(), "a tiny loopback round trip meets the floor");
    }

    @Test
    void beforeAnySampleTheFallbackIsTheSrtt() {
        assertEquals(42, new RttEstimator(300 * MS, 5 * MS, 1000 * MS).srtt(42), "fallback");
    }
}
