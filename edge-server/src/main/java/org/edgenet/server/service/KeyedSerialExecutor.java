package org.edgenet.server.service;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * A fixed set of {@link SerialExecutor}s, the lanes, picked by key. Work on one key always runs on
 * the same lane, one task after another, so operations on one file never interleave, while
 * different files proceed in parallel.
 */
public final class KeyedSerialExecutor implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final SerialExecutor[] lanes;

    private KeyedSerialExecutor(SerialExecutor... lanes) {
        this.lanes = lanes;
    }

    /** {@code count} lanes, each a daemon thread named after {@code name}. */
    public static KeyedSerialExecutor threads(int count, String name) {
        SerialExecutor[] lanes = new SerialExecutor[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = SerialExecutor.thread(name);
        }
        return new KeyedSerialExecutor(lanes);
    }

    /** Runs every task at once on the caller's thread: for tests. */
    public static KeyedSerialExecutor direct() {
        return on(Runnable::run);
    }

    /** Every key on {@code executor}, which the caller owns: for tests that decide when the work runs. */
    public static KeyedSerialExecutor on(Executor executor) {
        return new KeyedSerialExecutor(SerialExecutor.on(executor));
    }

    public Executor forKey(Object key) {
        return lanes[Math.floorMod(key.hashCode(), lanes.length)];
    }

    /** Lets queued work finish, then stops the threads. */
    @Override
    public void close() {
        for (SerialExecutor lane : lanes) {
            lane.shutdown();
        }
        for (SerialExecutor e : lanes) {
            if (!e.close(CLOSE_WAIT) && Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
