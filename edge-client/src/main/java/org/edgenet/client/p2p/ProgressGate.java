package org.edgenet.client.p2p;

import java.util.concurrent.TimeUnit;

/**
 * Throttles progress reports of one transfer: one each time another tenth of the file is done, or
 * after a second without one. Small files get none; the final event says enough. Times are the
 * caller's clock, in nanoseconds.
 */
final class ProgressGate {
    static final long MIN_SIZE = 1024 * 1024;
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final long total;
    private long nextBytes;
    private long nextTime;

    ProgressGate(long total, long now) {
        this.total = total;
        this.nextBytes = total / 10;
        this.nextTime = now + INTERVAL;
    }

    /** Whether {@code done} bytes deserve a report at {@code now}. */
    synchronized boolean passes(long done, long now) {
        if (total < MIN_SIZE || done >= total) {
            return false;
        }
        if (done < nextBytes && now - nextTime < 0) {
            return false;
        }
        while (nextBytes <= done) {
            nextBytes += total / 10;
        }
        nextTime = now + INTERVAL;
        return true;
    }
}
