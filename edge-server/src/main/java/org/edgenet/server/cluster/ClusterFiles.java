package org.edgenet.server.cluster;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.server.service.ComputeStats;
import org.edgenet.server.service.SharedFiles;
import org.edgenet.server.service.Summaries;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The data directory shared by the members: one lock per device name in the cluster, held by the
 * lane that works on the device's files, and the files' summaries in a map every member reads.
 * Hazelcast releases the locks of a member that leaves or dies, so a dead server blocks no device.
 */
final class ClusterFiles implements SharedFiles {
    /** Device name to nothing: only its lock is used. */
    static final String LOCKS = "edgenet.file-locks";
    /** Device and file ID to the summary text of the stored file. */
    static final String SUMMARIES = "edgenet.summaries";
    /** Each member's changes of the stored bytes, for the others' {@code edgenet_stored_bytes}. */
    static final String STORED = "edgenet.stored-bytes";

    private final IMap<String, Boolean> locks;
    private final IMap<String, String> summaries;
    private final ITopic<Long> stored;

    /**
     * Summaries only save reading a sidecar, so an evicted one costs a disk read; the bound keeps
     * the cluster's memory as bounded as a server alone (its {@code Summaries} hold as many).
     */
    static MapConfig mapConfig() {
        return new MapConfig(SUMMARIES).setBackupCount(1).setAsyncBackupCount(0)
                .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(65_536));
    }

    ClusterFiles(IMap<String, Boolean> locks, IMap<String, String> summaries, ITopic<Long> stored) {
        this.locks = locks;
        this.summaries = summaries;
        this.stored = stored;
    }

    @Override
    public <T> T exclusive(DeviceName device, Supplier<T> work) {
        locks.lock(device.value());
        try {
            return work.get();
        } finally {
            locks.unlock(device.value());
        }
    }

    @Override
    public CompletableFuture<Optional<ComputeStats>> summary(DeviceName device, FileId fileId) {
        return summaries.getAsync(key(device, fileId)).toCompletableFuture()
                .thenApply(text -> Optional.ofNullable(text).map(ComputeStats::parse));
    }

    @Override
    public Optional<ComputeStats> summaryNow(DeviceName device, FileId fileId) {
        return Optional.ofNullable(summaries.get(key(device, fileId))).map(ComputeStats::parse);
    }

    @Override
    public void publish(DeviceName device, FileId fileId, ComputeStats summary) {
        summaries.set(key(device, fileId), summary.toText());
    }

    @Override
    public void forget(DeviceName device, FileId fileId) {
        summaries.delete(key(device, fileId));
    }

    /** Keys that are not of this form (none are written) are passed over. */
    @Override
    public List<Summaries.Key> files() {
        List<Summaries.Key> files = new ArrayList<>();
        for (String key : summaries.keySet()) {
            int cut = key.indexOf('\u0000');
            try {
                files.add(new Summaries.Key(DeviceName.of(key.substring(0, cut)),
                        FileId.of(Long.parseLong(key.substring(cut + 1)))));
            } catch (RuntimeException e) {
                // Not a key of this class.
            }
        }
        return files;
    }

    @Override
    public void storedChanged(long delta) {
        if (delta != 0) {
            stored.publishAsync(delta);
        }
    }

    @Override
    public void onStoredChange(LongConsumer change) {
        stored.addMessageListener(m -> {
            if (!m.getPublishingMember().localMember()) {
                change.accept(m.getMessageObject());
            }
        });
    }

    // A device name never holds NUL, so no two files share a key.
    private static String key(DeviceName device, FileId fileId) {
        return device.value() + "\u0000" + fileId.value();
    }
}
