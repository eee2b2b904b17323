package org.edgenet.bench.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {
    @Test
    void spreadTakesTheMiddleRunAndTheExtremes() {
        Spread s = Spread.of(5, 1, 3);
        assertEquals(3, s.median(), "median of three runs");
        assertEquals(1, s.min(), "smallest run");
        assertEquals(5, s.max(), "largest run");
        assertEquals(2.5, Spread.of(1, 2, 3, 4).median(), "median of an even count is the mean of the middle two");
    }

    @Test
    void spreadIgnoresMissingRunsAndPrintsRanges() {
        assertTrue(Spread.of(Double.NaN).isEmpty(), "no real value means no spread");
        assertEquals("2.0 (1.0–3.0)", Spread.of(1, 2, 3).format(1), "median then range");
        assertEquals("7", Spread.of(7).format(0), "one run has no range");
        assertEquals("n/a", Spread.NONE.format(1), "nothing measured");
    }

    @Test
    void latencyPercentilesUseNearestRank() {
        Latencies l = new Latencies();
        for (int i = 1; i <= 200; i++) {
            l.record(i * 1_000_000L);
        }
        assertEquals(100.0, l.p50(), 1e-9, "p50 of 1..200 ms");
        assertEquals(198.0, l.p99(), 1e-9, "p99 of 1..200 ms");
        assertEquals(200, l.count(), "every sample kept");
        assertTrue(Double.isNaN(new Latencies().p99()), "no samples, no percentile");
    }
}
