package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * What a {@link FileDataStore} needs when other servers use the same data directory: each device's
 * files used by one lane of the whole cluster at a time, and the files' summaries kept where every
 * server reads them, so that SCS answers on any server what the last upload stored. A server alone
 * has none: its lanes and its {@link Summaries} are enough.
 */
public interface SharedFiles {
    /**
     * On a file's lane: runs {@code work} while no lane of any server touches the files of
     * {@code device}. Blocking: never on an event loop.
     */
    <T> T exclusive(DeviceName device, Supplier<T> work);

    /** The summary of the stored file, if any server knows it. Any thread: it does not block. */
    CompletableFuture<Optional<ComputeStats>> summary(DeviceName device, FileId fileId);

    /** The summary of the stored file, waiting for it. On a lane, within {@link #exclusive}. */
    Optional<ComputeStats> summaryNow(DeviceName device, FileId fileId);

    /** On a lane, within {@link #exclusive}: the file with {@code summary} is in place. */
    void publish(DeviceName device, FileId fileId, ComputeStats summary);

    /** On a lane, within {@link #exclusive}: the file is about to be replaced or deleted. */
    void forget(DeviceName device, FileId fileId);

    /** The files whose summaries are kept now, for the maintenance check. Blocking. */
    List<Summaries.Key> files();

    /**
     * Tells the other servers that the bytes of the data files changed by {@code delta} through
     * this one. Any thread: it does not wait.
     */
    void storedChanged(long delta);

    /**
     * Calls {@code change} with every change of the stored bytes another server tells, from now
     * on, on a thread of the cluster's; it must not block.
     */
    void onStoredChange(LongConsumer change);
}
