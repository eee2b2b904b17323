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
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * interleave. The lanes also keep the files' summaries in memory ({@link Summaries}), so SCS on
 * a file whose summary is known is answered on the caller's thread without the lane or the disk.
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
    private final Summaries summaries = new Summaries();
    private final StoredBytes stored;
    /** Null when this server alone uses the data directory. */
    private final SharedFiles shared;

    public FileDataStore(Path dataDir, ActivityLog uploadLog, ActivityLog deletionLog, KeyedSerialExecutor lanes,
                         Disk disk, Clock clock, ZoneId zone) throws IOException {
        this(dataDir, uploadLog, deletionLog, lanes, disk, clock, zone, null);
    }

    /**
     * A store whose data directory other servers of a cluster use too: every lane task holds the
     * device's files through {@code shared}, and summaries are kept there, not in this server's memory.
     */
    public FileDataStore(Path dataDir, ActivityLog uploadLog, ActivityLog deletionLog, KeyedSerialExecutor lanes,
                         Disk disk, Clock clock, ZoneId zone, SharedFiles shared) throws IOException {
        this.shared = shared;
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.uploadLog = uploadLog;
        this.deletionLog = deletionLog;
        this.lanes = lanes;
        this.files = new DurableFiles(disk);
        this.clock = clock;
        this.zone = zone;
        files.createDirectory(this.dataDir);
        StoredBytes counting = new StoredBytes();
        if (shared != null) {
            // Listening before the walk: a file another server puts in place meanwhile may count twice, none is missed.
            shared.onStoredChange(delta -> counting.replaced(0, delta));
        }
        this.stored = counting.count(this.dataDir);
    }

    /**
     * Bytes of the data files stored now, as this store has counted them: no directory walk. With
     * other servers on the same directory, their uploads and deletions count too, as they tell them.
     */
    public long storedBytes() {
        return stored.get();
    }

    /** The data file of an upload was put in place, replacing one of {@code before} bytes (0 if none). */
    void countStored(long before, long after) {
        stored.replaced(before, after);
        if (shared != null) {
            shared.storedChanged(after - before);
        }
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

    /** One copy buffer per thread (lane or event loop): memory stays bounded however many uploads run at once. */
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
        Supplier<T> task = shared == null ? work : () -> shared.exclusive(device, work);
        return CompletableFuture.supplyAsync(task, lanes.forKey(device + "\u0000" + fileId));
    }

    /**
     * Ready at once: the temp file is opened on the file's lane by the first chunk or the end, in
     * the same task, so a begin costs no trip to the lane of its own. A failure to open it is the
     * failure of that chunk or end.
     */
    @Override
    public CompletableFuture<Upload> beginUpload(DeviceName device, FileId fileId) {
        return CompletableFuture.completedFuture(new FileUpload(this, files, device, fileId));
    }

    /**
     * Answered at once on the caller's thread (the event loop) when the file's summary is known in
     * memory: no lane, no disk. Otherwise the lane reads the summary from the disk and keeps it.
     */
    @Override
    public CompletableFuture<String> compute(DeviceName device, FileId fileId, Operation op) {
        if (shared != null) {
            return shared.summary(device, fileId).thenCompose(known -> known.isPresent()
                    ? CompletableFuture.supplyAsync(() -> known.get().compute(op, fileId), Runnable::run)
                    : onLane(device, fileId, () -> summaryOf(device, dataFile(device, fileId), fileId, true)
                            .compute(op, fileId)));
        }
        ComputeStats known = summaries.known(device, fileId);
        if (known != null) {
            try {
                return CompletableFuture.completedFuture(known.compute(op, fileId));
            } catch (ProtocolException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Path file = dataFile(device, fileId);
        return onLane(device, fileId, () -> summaryOf(device, file, fileId, true).compute(op, fileId));
    }

    /** On the file's lane, before it is replaced or deleted: readers go to the lane from now on. */
    void forgetSummary(DeviceName device, FileId fileId) {
        if (shared != null) {
            shared.forget(device, fileId);
            return;
        }
        summaries.forget(device, fileId);
    }

    /** On the file's lane, once the file with {@code summary} is in place. */
    void publishSummary(DeviceName device, FileId fileId, ComputeStats summary) {
        if (shared != null) {
            shared.publish(device, fileId, summary);
            return;
        }
        summaries.publish(device, fileId, summary);
    }

    @Override
    public CompletableFuture<Long> delete(DeviceName device, FileId fileId) {
        Path file = dataFile(device, fileId);
        return onLane(device, fileId, () -> {
            // A file about to go needs no sidecar written for next time.
            ComputeStats summary = summaryOf(device, file, fileId, false);
            forgetSummary(device, fileId);
            boolean deleted;
            try {
                deleted = files.delete(file, statsFile(file));
            } catch (IOException e) {
                throw DurableFiles.failure("delete " + fileOf(device, fileId), e);
            }
            if (!deleted) {
                throw noSuchFile(fileId);
            }
            countStored(summary.bytes(), 0);
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
     * On the file's lane: the summary in memory; else the stored one when it matches the file;
     * otherwise (no sidecar, a file put there by hand) the file is read once and, if {@code save},
     * the sidecar written for next time. The sidecar only saves work, so failing to write it is
     * logged and the answer given all the same. What is read from the disk is kept in memory if
     * {@code save}.
     */
    private ComputeStats summaryOf(DeviceName device, Path file, FileId fileId, boolean save) {
        ComputeStats known = shared != null ? shared.summaryNow(device, fileId).orElse(null)
                : summaries.known(device, fileId);
        if (known != null) {
            return known;
        }
        ComputeStats read = summaryOnDisk(device, file, fileId, save);
        if (save) {
            publishSummary(device, fileId, read);
        }
        return read;
    }

    private ComputeStats summaryOnDisk(DeviceName device, Path file, FileId fileId, boolean save) {
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
     * never changed. Summaries in memory are taken again from what the disk holds, and those of
     * files no longer there (removed by hand) are forgotten.
     */
    public SummaryCheck checkSummaries() throws IOException {
        int checked = 0;
        int rebuilt = 0;
        int damaged = 0;
        List<CompletableFuture<Boolean>> gone = new ArrayList<>();
        for (Summaries.Key k : shared == null ? summaries.files() : shared.files()) {
            gone.add(onLane(k.device(), k.fileId(), () -> {
                if (Files.exists(dataFile(k.device(), k.fileId()))) {
                    return false;
                }
                forgetSummary(k.device(), k.fileId());
                return true;
            }));
        }
        for (CompletableFuture<Boolean> g : gone) {
            g.join();
        }
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

    /**
     * On the file's lane: true when the sidecar had to be written afresh. The summary in memory is
     * dropped first and kept again only from what the disk holds now, so a file changed by hand
     * behind the server's back is answered rightly from this check on.
     */
    private boolean repairSummary(DeviceName device, FileId fileId) {
        forgetSummary(device, fileId);
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
                    publishSummary(device, fileId, s);
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
            publishSummary(device, fileId, fresh);
            log.info("Maintenance: rebuilt the summary of {}", fileOf(device, fileId));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first stored files by device name and then file ID, each with the summary its sidecar
     * holds: {@code max} of them, and one more when there are more. Only directories and sidecars are read, never a
     * data file, so the cost does not grow with the files' sizes. Blocking: call it off the event loop.
     */
    public List<StoredFile> storedFiles(int max) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            devices.forEach(dirs::add);
        }
        dirs.sort(null);
        List<StoredFile> found = new ArrayList<>();
        for (Path dir : dirs) {
            if (found.size() > max) {
                break;
            }
            DeviceName device;
            try {
                device = DeviceName.of(dir.getFileName().toString());
            } catch (InvalidValueException e) {
                continue;
            }
            List<FileId> ids = new ArrayList<>();
            String prefix = device + "-";
            try (DirectoryStream<Path> data = Files.newDirectoryStream(dir, f -> f.getFileName().toString()
                    .startsWith(prefix) && f.getFileName().toString().endsWith(".txt"))) {
                for (Path file : data) {
                    fileIdOf(device, file).ifPresent(ids::add);
                }
            } catch (NoSuchFileException e) {
                continue;
            }
            ids.sort((a, b) -> Long.compare(a.value(), b.value()));
            for (FileId id : ids) {
                if (found.size() > max) {
                    break;
                }
                Path file = dataFile(device, id);
                try {
                    long size = Files.size(file);
                    Optional<ComputeStats> summary = Optional.empty();
                    try {
                        ComputeStats s = ComputeStats.parse(Files.readString(statsFile(file),
                                StandardCharsets.US_ASCII));
                        summary = Optional.ofNullable(s).filter(x -> x.bytes() == size);
                    } catch (NoSuchFileException e) {
                        // No sidecar yet: listed without a summary.
                    }
                    found.add(new StoredFile(device, id, size, summary));
                } catch (NoSuchFileException e) {
                    // Deleted while being listed.
                }
            }
        }
        return found;
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
