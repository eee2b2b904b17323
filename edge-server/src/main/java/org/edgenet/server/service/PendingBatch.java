package org.edgenet.server.service;

import java.util.ArrayList;
import java.util.List;

/**
 * Changes waiting for a file's writer, handed over in batches: whatever is added while a write task
 * is queued goes with that task, so there is never more than one task waiting, however much
 * arrives, and many changes share one disk flush.
 *
 * <p>Not thread-safe: the owner guards it with its own lock, so that adding a change can be one
 * step with the owner's own bookkeeping.
 */
final class PendingBatch<T> {
    private List<T> items = new ArrayList<>();
    private boolean taskQueued;

    /** Adds {@code item}; true when no task is queued yet, and the caller must queue one. */
    boolean add(T item) {
        items.add(item);
        boolean first = !taskQueued;
        taskQueued = true;
        return first;
    }

    /** The batch so far, for the task that writes it; what comes later starts the next batch. */
    List<T> take() {
        taskQueued = false;
        List<T> batch = items;
        items = new ArrayList<>();
        return batch;
    }
}
