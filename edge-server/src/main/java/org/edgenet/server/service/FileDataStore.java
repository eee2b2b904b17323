package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.format.Timestamps;
import org.edgenet.common.message.Operation;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Data files on disk: {@code <dataDir>/<device>/<device>-<fileId>.txt}, each with a
 * {@code .stats} sidecar holding its {@link ComputeStats}, so SCS answers without reading the file.
 *
 * <p>An upload is written to a temp file in the device's directory while {@link SampleParser}
 * checks it; only a complete, valid upload is moved over the final name (with its sidecar), and
 * only then is it logged. All disk work for one (device, file) runs on the same lane of a
 * {@link KeyedSerialExecutor}, so an upload, a computation and a deletion of the same file never
 * interleave.
 *
 * <p>What is confirmed survives a power loss: an upload's data and sidecar are forced before they
 * are moved into place, the directory is forced after the moves, and the log line is forced before
 * the future completes; a deletion forces the directory, then its log line ({@link DurableFiles}).
 * A full disk fails the request with {@link OutOfSpace#error()}, logged once, and leaves no temp
 * file behind. An upload in progress is a {@link FileUpload}.
 */
public final class FileDataStore implements DataStore {
    private static final Logger log = LoggerFactory.getLogger(FileDataStore.class);

    static final String STATS_SUFFIX = ".stats";
    private static final int COPY_BUFFER = 64 * 1024;

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[COPY_BUFFER]);

    private final Path dataDir;
    private final ActivityLog uploadLog;
    private final ActivityLog deletionLog;
    private final KeyedSerialExecutor lanes;
    private final DurableFiles files;
    private final Clock clock;
    private final ZoneId zone;
    private final StoredBytes stored;

    public FileDataStore(Path dataDir, ActivityLog uploadLog, ActivityLog deletionLog, KeyedSerialExecutor lanes,
                         Disk disk, Clock clock, ZoneId zone) throws IOException {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.uploadLog = uploadLog;
        this.deletionLog = deletionLog;
        this.lanes = lanes;
        this.files = new DurableFiles(disk);
        this.clock = clock;
        this.zone = zone;
        files.createDirectory(this.dataDir);
        this.stored = StoredBytes.count(this.dataDir);
    }

    /** Bytes of the data files stored now, as this store has counted them: no directory walk. */
    public long storedBytes() {
        return stored.get();
    }

    /** The data file of an upload was put in place, replacing one of {@code before} bytes (0 if none). */
    void countStored(long before, long after) {
        stored.replaced(before, after);
    }

    /**
     * Uploads cut short by a crash leave temp files; they are never valid data. Called once the
     * server owns its port, so a second server started by mistake cannot delete a running one's uploads.
     */
    public void removeLeftoverUploads() throws IOException {
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : devices) {
                String temp = DurableFiles.TEMP_PREFIX + "*" + DurableFiles.TEMP_SUFFIX;
                try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, temp)) {
                    for (Path t : temps) {
                        Files.deleteIfExists(t);
                    }
                }
            }
        }
    }

    /**
     * The one place a device name becomes a path. A {@link DeviceName} is a single safe path
     * component, so the result is a direct child of the data directory; that is checked here all
     * the same, because a path is where a mistake in the name rule would do harm.
     */
    Path deviceDir(DeviceName device) {
        Path dir = dataDir.resolve(device.value()).normalize();
        if (!dataDir.equals(dir.getParent())) {
            throw new IllegalArgumentException("device directory outside the data directory");
        }
        return dir;
    }

    /** Where the device's file {@code fileId} is stored. */
    public Path dataFile(DeviceName device, FileId fileId) {
        return deviceDir(device).resolve(device.dataFileName(fileId));
    }

    static Path statsFile(Path dataFile) {
        return dataFile.resolveSibling(dataFile.getFileName() + STATS_SUFFIX);
    }

    /** One copy buffer per lane thread: memory stays bounded however many uploads run at once. */
    static byte[] scratch() {
        return SCRATCH.get();
    }

    /** Appends {@code line} to {@code activity} and yields {@code count} once the line is on the disk. */
    private static CompletableFuture<Long> record(ActivityLog activity, String line, long count, String what) {
        return activity.append(line).handle((v, e) -> {
            if (e == null) {
                return count;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IOException io) {
                throw DurableFiles.failure(what, io);
            }
            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
        });
    }

    static String fileOf(DeviceName device, FileId fileId) {
        return "file " + fileId + " for " + device;
    }

    /** Runs {@code work} on the lane of this file: after, never beside, earlier work on it. */
    <T> CompletableFuture<T> onLane(DeviceName device, FileId fileId, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, lanes.forKey(device + "\u0000" + fileId));
    }

    @Override
    public CompletableFuture<Upload> beginUpload(DeviceName device, FileId fileId) {
        Path target = dataFile(device, fileId);
        return onLane(device, fileId, () -> {
            Path temp = null;
            try {
                files.createDirectory(target.getParent());
                temp = files.createTemp(target.getParent(), fileId.toString());
                FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE);
                return new FileUpload(this, files, device, fileId, temp, out);
            } catch (IOException e) {
                files.removeQuietly(temp);
                throw DurableFiles.failure("store " + fileOf(device, fileId), e);
            }
        });
    }

    @Override
    public CompletableFuture<String> compute(DeviceName device, FileId fileId, Operation op) {
        Path file = dataFile(device, fileId);
        return onLane(device, fileId, () -> summaryOf(device, file, fileId, true).compute(op, fileId));
    }

    @Override
    public CompletableFuture<Long> delete(DeviceName device, FileId fileId) {
        Path file = dataFile(device, fileId);
        return onLane(device, fileId, () -> {
            // A file about to go needs no sidecar written for next time.
            ComputeStats summary = summaryOf(device, file, fileId, false);
            boolean deleted;
            try {
                deleted = files.delete(file, statsFile(file));
            } catch (IOException e) {
                throw DurableFiles.failure("delete " + fileOf(device, fileId), e);
            }
            if (!deleted) {
                throw noSuchFile(fileId);
            }
            stored.replaced(summary.bytes(), 0);
            return summary.count();
        }).thenCompose(count -> record(deletionLog, logLine(device, fileId, count), count,
                "record the deletion of " + fileOf(device, fileId)));
    }

    @Override
    public CompletableFuture<Download> openDownload(DeviceName device, FileId fileId) {
        Path file = dataFile(device, fileId);
        return onLane(device, fileId, () -> FileDownload.open(this, device, fileId, file));
    }

    static ProtocolException noSuchFile(FileId fileId) {
        return new ProtocolException(ErrorCode.NO_SUCH_FILE, "file " + fileId + " does not exist at the server side");
    }

    /**
     * The stored summary when it matches the file; otherwise (no sidecar, a file put there by
     * hand) the file is read once and, if {@code save}, the sidecar written for next time. The
     * sidecar only saves work, so failing to write it is logged and the answer given all the same.
     */
    private ComputeStats summaryOf(DeviceName device, Path file, FileId fileId, boolean save) {
        try {
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException e) {
                throw noSuchFile(fileId);
            }
            Path stats = statsFile(file);
            if (Files.exists(stats)) {
                ComputeStats s = ComputeStats.parse(Files.readString(stats, StandardCharsets.US_ASCII));
                if (s != null && s.bytes() == size) {
                    return s;
                }
            }
            ComputeStats s = scan(file, fileId);
            if (save) {
                try {
                    files.replace(stats, s.toText());
                } catch (IOException e) {
                    log.warn("Cannot save the summary of {}: {}", fileOf(device, fileId),
                            OutOfSpace.causedBy(e) ? OutOfSpace.MESSAGE : e.toString());
                }
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ComputeStats scan(Path file, FileId fileId) throws IOException {
        SampleStats stats = new SampleStats();
        SampleParser parser = new SampleParser(stats);
        byte[] buf = scratch();
        long bytes = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                parser.feed(buf, 0, n);
                bytes += n;
            }
            parser.finish();
        } catch (NoSuchFileException e) {
            throw noSuchFile(fileId);
        } catch (ProtocolException e) {
            // A stored file that is not valid data was not put there by an upload.
            throw new ProtocolException(ErrorCode.INTERNAL,
                    "stored file " + fileId + " is damaged (" + e.getMessage() + ")");
        }
        return stats.summary(bytes);
    }

    // Maintenance: called on the maintenance thread; what touches one file runs on its lane.

    /** What {@link #checkSummaries()} found. */
    public record SummaryCheck(int checked, int rebuilt, int damaged) {
    }

    /**
     * Removes the temp files of uploads that nobody has written for {@code age}: a crash or a
     * failed clean-up left them, since an upload in progress writes its temp file with every chunk.
     *
     * @return how many were removed
     */
    public int removeStaleUploads(Duration age) throws IOException {
        Instant before = clock.instant().minus(age);
        int removed = 0;
        String temp = DurableFiles.TEMP_PREFIX + "*" + DurableFiles.TEMP_SUFFIX;
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : devices) {
                try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, temp)) {
                    for (Path t : temps) {
                        try {
                            if (Files.getLastModifiedTime(t).toInstant().isBefore(before) && Files.deleteIfExists(t)) {
                                removed++;
                            }
                        } catch (NoSuchFileException e) {
                            // Its upload ended meanwhile.
                        }
                    }
                }
            }
        }
        return removed;
    }

    /**
     * Checks every data file against its summary sidecar, each on its own lane so that no upload,
     * computation or deletion of it runs meanwhile, and rebuilds a sidecar that is missing, cannot
     * be read or counts other bytes than the file has. A file that is not valid data is reported,
     * never changed.
     */
    public SummaryCheck checkSummaries() throws IOException {
        int checked = 0;
        int rebuilt = 0;
        int damaged = 0;
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : devices) {
                DeviceName device;
                try {
                    device = DeviceName.of(dir.getFileName().toString());
                } catch (InvalidValueException e) {
                    continue;
                }
                List<CompletableFuture<Boolean>> checks = new ArrayList<>();
                // Not a glob: a device name may hold '*'.
                String prefix = device + "-";
                try (DirectoryStream<Path> data = Files.newDirectoryStream(dir, f -> f.getFileName().toString()
                        .startsWith(prefix) && f.getFileName().toString().endsWith(".txt"))) {
                    for (Path file : data) {
                        fileIdOf(device, file).ifPresent(id -> checks.add(onLane(device, id,
                                () -> repairSummary(device, id))));
                    }
                }
                for (CompletableFuture<Boolean> c : checks) {
                    try {
                        checked++;
                        if (c.join()) {
                            rebuilt++;
                        }
                    } catch (CompletionException e) {
                        damaged++;
                        log.warn("Maintenance: {}", e.getCause() == null ? e : e.getCause().getMessage());
                    }
                }
            }
        }
        return new SummaryCheck(checked, rebuilt, damaged);
    }

    private static Optional<FileId> fileIdOf(DeviceName device, Path file) {
        String name = file.getFileName().toString();
        String digits = name.substring(device.value().length() + 1, name.length() - ".txt".length());
        try {
            return Optional.of(FileId.of(Long.parseLong(digits)));
        } catch (NumberFormatException | InvalidValueException e) {
            return Optional.empty();
        }
    }

    /** On the file's lane: true when the sidecar had to be written afresh. */
    private boolean repairSummary(DeviceName device, FileId fileId) {
        Path file = dataFile(device, fileId);
        try {
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException e) {
                return false;
            }
            Path stats = statsFile(file);
            if (Files.exists(stats)) {
                ComputeStats s = ComputeStats.parse(Files.readString(stats, StandardCharsets.US_ASCII));
                if (s != null && s.bytes() == size) {
                    return false;
                }
            }
            ComputeStats fresh;
            try {
                fresh = scan(file, fileId);
            } catch (ProtocolException e) {
                throw new IllegalStateException(fileOf(device, fileId) + " is not valid data: " + e.getMessage());
            }
            files.replace(stats, fresh.toText());
            log.info("Maintenance: rebuilt the summary of {}", fileOf(device, fileId));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs a stored upload; yields its {@code count} of samples once the line is on the disk. */
    CompletableFuture<Long> recordUpload(DeviceName device, FileId fileId, long count) {
        return record(uploadLog, logLine(device, fileId, count), count, "store " + fileOf(device, fileId));
    }

    private String logLine(DeviceName device, FileId fileId, long count) {
        return device + "; " + Timestamps.format(clock.instant(), zone) + "; " + fileId + "; " + count;
    }

    @Override
    public void close() {
        lanes.close();
    }
}
