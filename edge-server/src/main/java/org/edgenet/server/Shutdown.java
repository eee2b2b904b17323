package org.edgenet.server;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The steps of stopping a server (or a start that failed half-way), each waited for within one
 * budget: a thread stuck in a task must not keep the process alive after SIGTERM, so what does not
 * stop in time is left behind with a warning.
 */
final class Shutdown {
    /** Logged as the server's own lines: they belong to its stopping. */
    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);
    /** How long all the waits together may take. */
    static final Duration BUDGET = Duration.ofSeconds(5);
    /** What a step still gets after earlier ones used up the budget. */
    static final Duration STEP_MIN = Duration.ofSeconds(1);

    private final long deadline;

    private Shutdown(long deadline) {
        this.deadline = deadline;
    }

    static Shutdown begin() {
        return new Shutdown(System.nanoTime() + BUDGET.toNanos());
    }

    /** Waits for {@code step} until the deadline, or {@link #STEP_MIN} if that is later. */
    void await(Future<?> step, String what) {
        long left = Math.max(STEP_MIN.toNanos(), deadline - System.nanoTime());
        if (!step.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
            log.warn("Gave up waiting for {}", what);
        }
    }

    /**
     * Stops the connection threads, then the accepting one; each may first run what is queued for
     * up to {@code quietSeconds}, such as the leaves of connections just closed. Either may be null.
     */
    void stopThreads(EventLoopGroup workers, EventLoopGroup boss, long quietSeconds) {
        if (workers != null) {
            await(workers.shutdownGracefully(0, quietSeconds, TimeUnit.SECONDS), "the connection threads to stop");
        }
        if (boss != null) {
            await(boss.shutdownGracefully(0, quietSeconds, TimeUnit.SECONDS), "the accepting thread to stop");
        }
    }

    /** Closes in reverse order of opening; a failure is logged and the rest still close. */
    static void closeAll(List<AutoCloseable> opened) {
        List<AutoCloseable> reversed = new ArrayList<>(opened);
        Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", c, e.toString());
            }
        }
    }
}
