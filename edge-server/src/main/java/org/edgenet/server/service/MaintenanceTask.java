package org.edgenet.server.service;

/**
 * One job of the periodic {@link Maintenance}: it runs on the maintenance thread, never on an event
 * loop, and may block; what it touches of a file it hands to that file's owner thread.
 */
public interface MaintenanceTask {
    /** For the summary line, e.g. {@code temp files}. */
    String name();

    /**
     * Does the work once.
     *
     * @return what it did, a few words for the summary line, e.g. {@code removed 2}
     * @throws Exception when it failed: logged, and the next run tries again
     */
    String run() throws Exception;

    /** A task from a name and a body, e.g. {@code MaintenanceTask.of("journal", store::compactNow)}. */
    static MaintenanceTask of(String name, Body body) {
        return new MaintenanceTask() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String run() throws Exception {
                return body.run();
            }
        };
    }

    /** The work of a task made with {@link #of}. */
    @FunctionalInterface
    interface Body {
        String run() throws Exception;
    }
}
