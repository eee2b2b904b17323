package org.edgenet.bench.stats;

import java.util.Arrays;

/**
 * Every latency sample of one run, in nanoseconds. Percentiles come from the sorted samples
 * themselves, not from buckets, so p99 of a few hundred samples is exact. Safe to record from
 * several event-loop threads.
 */
public final class Latencies {
    private long[] samples = new long[1024];
    private int count;

    public synchronized void record(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    /** Records the time since {@code startNanos} (a {@link System#nanoTime()} reading). */
    public void since(long startNanos) {
        record(System.nanoTime() - startNanos);
    }

    public synchronized int count() {
        return count;
    }

    /** Nearest-rank percentile in milliseconds, or NaN without samples. */
    public synchronized double percentileMillis(double percentile) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }

    public double p50() {
        return percentileMillis(50);
    }

    public double p99() {
        return percentileMillis(99);
    }

    /** Adds every sample of {@code other} to this one. */
    public void addAll(Latencies other) {
        long[] copy;
        int n;
        synchronized (other) {
            copy = Arrays.copyOf(other.samples, other.count);
            n = other.count;
        }
        for (int i = 0; i < n; i++) {
            record(copy[i]);
        }
    }
}
