package org.edgenet.server.service;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks one after another: on a thread of its own, which it stops when closed, or on an
 * executor the caller owns and stops (tests pass a direct executor, or a queue they run by hand).
 * The thread is a daemon, so a stuck write cannot keep the process from ending.
 *
 * <p>The queue is not bounded here; each owner bounds what reaches it and says how: every
 * connection has at most one request, hence one log line or journal record, in flight (the read
 * gate holds it meanwhile), and device-log writes coalesce into one queued task.
 */
public final class SerialExecutor implements Executor {
    private final Executor executor;
    /** The thread's executor when this owns one, else null. */
    private final ExecutorService owned;

    private SerialExecutor(Executor executor, ExecutorService owned) {
        this.executor = executor;
        this.owned = owned;
    }

    /** A daemon thread of its own, named after {@code name}. */
    public static SerialExecutor thread(String name) {
        // No bound here, yet the network cannot grow it: every caller it reaches submits for a
        // request that holds its connection's reading (the read gate), and connections are capped
        // (max-connections; 1,024 on the 0xAE73 port, one request each).
        ExecutorService e = Executors.newSingleThreadExecutor(new DefaultThreadFactory(name, true)); // gated
        return new SerialExecutor(e, e);
    }

    /** Tasks on {@code executor}, which must run them one at a time and which the caller stops. */
    public static SerialExecutor on(Executor executor) {
        return new SerialExecutor(executor, null);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Takes no new tasks; those queued still run. */
    public void shutdown() {
        if (owned != null) {
            owned.shutdown();
        }
    }

    /**
     * {@link #shutdown()}, then waits up to {@code wait} for the queued tasks; false when they had
     * not finished by then. An interrupt ends the wait early and is kept.
     */
    public boolean close(Duration wait) {
        shutdown();
        if (owned == null) {
            return true;
        }
        try {
            return owned.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
