package org.edgenet.server.http;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.format.Timestamps;
import org.edgenet.common.message.Operation;
import org.edgenet.server.service.DataStore;

import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The latest uploads and deletions, kept in memory for the dashboard: at most {@link #KEPT} of
 * each, newest first. {@link #observe} wraps the data store so that each one that succeeds is
 * noted as it completes; nothing is read back from the logs. Thread-safe.
 */
public final class RecentActivity {
    /** How many of each kind the dashboard shows. */
    public static final int KEPT = 20;

    /** One upload or deletion as the dashboard shows it. */
    public record Entry(String device, long fileId, long samples, String at) {
    }

    private final Clock clock;
    private final ZoneId zone;
    /** Guarded by {@code this}. */
    private final ArrayDeque<Entry> uploads = new ArrayDeque<>();
    private final ArrayDeque<Entry> deletions = new ArrayDeque<>();
    /** Grows with every change, so that a reader can tell whether anything happened since it last looked. */
    private long version;

    public RecentActivity(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    /** {@code data}, noting here each upload and deletion that succeeds. */
    public DataStore observe(DataStore data) {
        return new Observed(data);
    }

    public synchronized List<Entry> uploads() {
        return new ArrayList<>(uploads);
    }

    public synchronized List<Entry> deletions() {
        return new ArrayList<>(deletions);
    }

    public synchronized long version() {
        return version;
    }

    void uploaded(DeviceName device, FileId fileId, long samples) {
        add(uploads, new Entry(device.value(), fileId.value(), samples, Timestamps.format(clock.instant(), zone)));
    }

    void deleted(DeviceName device, FileId fileId, long samples) {
        add(deletions, new Entry(device.value(), fileId.value(), samples, Timestamps.format(clock.instant(), zone)));
    }

    private synchronized void add(ArrayDeque<Entry> list, Entry e) {
        list.addFirst(e);
        if (list.size() > KEPT) {
            list.removeLast();
        }
        version++;
    }

    /** Passes every call on; only the successful ends of uploads and deletions are noted. */
    private final class Observed implements DataStore {
        private final DataStore data;

        Observed(DataStore data) {
            this.data = data;
        }

        @Override
        public CompletableFuture<Upload> beginUpload(DeviceName device, FileId fileId) {
            return data.beginUpload(device, fileId).thenApply(u -> new ObservedUpload(device, u));
        }

        @Override
        public CompletableFuture<String> compute(DeviceName device, FileId fileId, Operation op) {
            return data.compute(device, fileId, op);
        }

        @Override
        public CompletableFuture<Long> delete(DeviceName device, FileId fileId) {
            return data.delete(device, fileId).thenApply(samples -> {
                deleted(device, fileId, samples);
                return samples;
            });
        }

        @Override
        public CompletableFuture<Download> openDownload(DeviceName device, FileId fileId) {
            return data.openDownload(device, fileId);
        }

        @Override
        public void close() {
            data.close();
        }
    }

    private final class ObservedUpload implements DataStore.Upload {
        private final DeviceName device;
        private final DataStore.Upload upload;

        ObservedUpload(DeviceName device, DataStore.Upload upload) {
            this.device = device;
            this.upload = upload;
        }

        @Override
        public FileId fileId() {
            return upload.fileId();
        }

        @Override
        public CompletableFuture<Void> append(ByteBuf chunk) {
            return upload.append(chunk);
        }

        @Override
        public CompletableFuture<Long> finish() {
            return upload.finish().thenApply(samples -> {
                uploaded(device, upload.fileId(), samples);
                return samples;
            });
        }

        @Override
        public CompletableFuture<Void> abort() {
            return upload.abort();
        }
    }
}
