package org.edgenet.server.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of single-thread executors. Work on one key always runs on the same lane, one task
 * after another, so operations on one file never interleave, while different files proceed in
 * parallel.
 */
public final class Lanes implements AutoCloseable {
    private final Executor[] lanes;
    private final List<ExecutorService> owned;

    private Lanes(Executor[] lanes, List<ExecutorService> owned) {
        this.lanes = lanes;
        this.owned = owned;
    }

    /** {@code count} daemon threads named {@code prefix-N}. */
    public static Lanes of(int count, String prefix) {
        Executor[] lanes = new Executor[count];
        List<ExecutorService> owned = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i;
            ExecutorService e = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            lanes[i] = e;
            owned.add(e);
        }
        return new Lanes(lanes, owned);
    }

    /** Runs every task at once on the caller's thread: for tests. */
    public static Lanes direct() {
        return new Lanes(new Executor[] {Runnable::run}, List.of());
    }

    /** Every key on {@code executor}, which the caller owns: for tests that decide when lane work runs. */
    public static Lanes on(Executor executor) {
        return new Lanes(new Executor[] {executor}, List.of());
    }

    public Executor forKey(Object key) {
        return lanes[Math.floorMod(key.hashCode(), lanes.length)];
    }

    /** Lets queued work finish, then stops the threads. */
    @Override
    public void close() {
        owned.forEach(ExecutorService::shutdown);
        for (ExecutorService e : owned) {
            try {
                e.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
