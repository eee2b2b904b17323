package org.edgenet.bench.scenario;

import org.edgenet.bench.load.Device;
import org.edgenet.bench.stats.Latencies;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Many closed loops at once, each keeping exactly one request in flight: the next request of a
 * loop leaves when the previous reply arrived. A warm-up comes first; only replies that arrive
 * within the measured span count, for the rate and for the latencies.
 */
final class OneInFlight {
    /** How long after the end a loop may still wait for its last reply. */
    static final long GRACE_MILLIS = 60_000;

    private OneInFlight() {
    }

    /** One request: its reply, and which latency table ({@code kind}) it counts in. */
    record Request(CompletableFuture<?> reply, int kind) {
    }

    /**
     * What the loops did in the measured span; {@code firstError} is null when nothing failed, and
     * {@code stuck} counts loops still waiting for a reply when the grace period after the end ran out.
     */
    record Outcome(long completed, double seconds, Latencies all, Latencies[] byKind, long errors, String firstError,
                   int stuck) {
        double rate() {
            return completed / seconds;
        }
    }

    /**
     * Runs {@code loops} loops; {@code next.apply(i)} sends loop i's next request. A failed request
     * ends its loop, since a dead connection would otherwise spin.
     */
    static Outcome run(int loops, int kinds, IntFunction<Request> next, long warmUpMillis, long measureMillis)
            throws Exception {
        long from = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmUpMillis);
        long end = from + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        Latencies all = new Latencies();
        Latencies[] byKind = new Latencies[kinds];
        for (int k = 0; k < kinds; k++) {
            byKind[k] = new Latencies();
        }
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CompletableFuture<?>[] done = new CompletableFuture<?>[loops];
        for (int i = 0; i < loops; i++) {
            CompletableFuture<Void> loopDone = new CompletableFuture<>();
            done[i] = loopDone;
            int loop = i;
            Runnable[] step = new Runnable[1];
            step[0] = () -> {
                if (System.nanoTime() >= end) {
                    loopDone.complete(null);
                    return;
                }
                long t0 = System.nanoTime();
                Request r;
                try {
                    r = next.apply(loop);
                } catch (RuntimeException e) {
                    r = new Request(CompletableFuture.failedFuture(e), 0);
                }
                int kind = r.kind();
                r.reply().whenComplete((v, e) -> {
                    long now = System.nanoTime();
                    if (e != null) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, Device.describe(e));
                        loopDone.complete(null);
                        return;
                    }
                    if (now >= from && now < end) {
                        completed.incrementAndGet();
                        all.record(now - t0);
                        byKind[kind].record(now - t0);
                    }
                    step[0].run();
                });
            };
            step[0].run();
        }
        int stuck = 0;
        try {
            CompletableFuture.allOf(done).get(warmUpMillis + measureMillis + GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Reported, not thrown: what the other loops measured still stands.
            for (CompletableFuture<?> d : done) {
                stuck += d.isDone() ? 0 : 1;
            }
        }
        return new Outcome(completed.get(), measureMillis / 1000.0, all, byKind, errors.get(), firstError.get(), stuck);
    }
}
