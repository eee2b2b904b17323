package org.edgenet.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * Runs {@code n} asynchronous tasks with at most {@code parallel} in flight: "thousands of devices
 * at once" without a SYN flood that would measure the kernel's accept queue instead of the server.
 */
public final class ThrottledTasks {
    private ThrottledTasks() {
    }

    /** Every task's result by index (null where it failed) and every failure. */
    public record Outcome<T>(List<T> results, List<Throwable> failures) {
    }

    public static <T> CompletableFuture<Outcome<T>> run(int n, int parallel, IntFunction<CompletableFuture<T>> task) {
        AtomicReferenceArray<T> results = new AtomicReferenceArray<>(n);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        CompletableFuture<Outcome<T>> done = new CompletableFuture<>();
        Runnable complete = () -> {
            List<T> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(results.get(i));
            }
            done.complete(new Outcome<>(list, List.copyOf(failures)));
        };
        if (n == 0) {
            complete.run();
            return done;
        }
        // A worker takes the next index when its previous task completes, on whatever thread completed it.
        Runnable[] worker = new Runnable[1];
        worker[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= n) {
                return;
            }
            CompletableFuture<T> f;
            try {
                f = task.apply(i);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((r, e) -> {
                if (e != null) {
                    failures.add(e);
                } else {
                    results.set(i, r);
                }
                if (finished.incrementAndGet() == n) {
                    complete.run();
                } else {
                    worker[0].run();
                }
            });
        };
        for (int k = 0; k < Math.min(parallel, n); k++) {
            worker[0].run();
        }
        return done;
    }
}
