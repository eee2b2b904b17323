package org.edgenet.server.service;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link MaintenanceTask}s one after the other on a thread of its own, every interval, and
 * logs one line per run: {@code Maintenance: temp files: removed 0; summaries: 12 checked, 1
 * rebuilt; journal: nothing to compact (35 ms)}. A task that fails is logged and named in the
 * line as failed; the others still run, and so do later runs.
 */
public final class Maintenance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final List<MaintenanceTask> tasks;
    private final ScheduledExecutorService thread;

    private Maintenance(List<MaintenanceTask> tasks, ScheduledExecutorService thread) {
        this.tasks = List.copyOf(tasks);
        this.thread = thread;
    }

    /**
     * Runs {@code tasks} every {@code interval}, the first time one interval from now; a zero
     * interval never runs them.
     */
    public static Maintenance every(Duration interval, List<MaintenanceTask> tasks) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("maintenance", true));
        Maintenance m = new Maintenance(tasks, thread);
        if (!interval.isZero()) {
            thread.scheduleWithFixedDelay(m::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return m;
    }

    /** Runs every task once, on the calling thread; returns the summary line it logs. */
    public String runOnce() {
        long start = System.nanoTime();
        List<String> parts = new ArrayList<>(tasks.size());
        for (MaintenanceTask task : tasks) {
            String result;
            try {
                result = task.run();
            } catch (Exception | Error e) {
                if (e instanceof VirtualMachineError v) {
                    throw v;
                }
                // A failure here only delays tidying until the next run: never fatal.
                log.warn("Maintenance task {} failed: {}", task.name(), e.toString());
                result = "failed";
            }
            parts.add(task.name() + ": " + result);
        }
        String line = String.format(Locale.ROOT, "Maintenance: %s (%d ms)", String.join("; ", parts),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        log.info(line);
        return line;
    }

    /** Stops the schedule; a run in progress is interrupted and given a few seconds. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Maintenance did not stop within {} s", CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "maintenance";
    }
}
