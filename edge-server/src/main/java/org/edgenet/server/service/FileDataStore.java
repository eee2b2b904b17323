package org.edgenet.server.service;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.format.Timestamps;
import org.edgenet.common.message.Operation;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Data files on disk: {@code <dataDir>/<device>/<device>-<fileId>.txt}, each with a
 * {@code .stats} sidecar holding its {@link FileSummary}, so SCS answers without reading the file.
 *
 * <p>An upload is written to a temp file in the device's directory while {@link SampleParser}
 * checks it; only a complete, valid upload is moved over the final name (with its sidecar), and
 * only then is it logged. All disk work for one (device, file) runs on the same {@link Lanes} lane,
 * so an upload, a computation and a deletion of the same file never interleave.
 *
 * <p>What is confirmed survives a power loss: an upload's data and sidecar are forced before they
 * are moved into place, the directory is forced after the moves, and the log line is forced before
 * the future completes; a deletion forces the directory, then its log line. A full disk fails the
 * request with {@link OutOfSpace#error()}, logged here once, and leaves no temp file behind.
 */
public final class FileDataStore implements DataStore {
    private static final Logger log = LoggerFactory.getLogger(FileDataStore.class);

    static final String TEMP_PREFIX = ".upload-";
    static final String TEMP_SUFFIX = ".tmp";
    static final String STATS_SUFFIX = ".stats";
    private static final int COPY_BUFFER = 64 * 1024;

    /** One copy buffer per lane thread: memory stays bounded however many uploads run at once. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[COPY_BUFFER]);

    private final Path dataDir;
    private final ActivityLog uploadLog;
    private final ActivityLog deletionLog;
    private final Lanes lanes;
    private final Disk disk;
    private final Clock clock;
    private final ZoneId zone;

    public FileDataStore(Path dataDir, ActivityLog uploadLog, ActivityLog deletionLog, Lanes lanes, Disk disk,
                         Clock clock, ZoneId zone) throws IOException {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.uploadLog = uploadLog;
        this.deletionLog = deletionLog;
        this.lanes = lanes;
        this.disk = disk;
        this.clock = clock;
        this.zone = zone;
        createDirectory(this.dataDir);
    }

    /** Creates {@code dir} if needed, and makes its name durable, as a file's must be. */
    private void createDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            if (dir.getParent() != null) {
                disk.syncDirectory(dir.getParent());
            }
        }
    }

    /**
     * Uploads cut short by a crash leave temp files; they are never valid data. Called once the
     * server owns its port, so a second server started by mistake cannot delete a running one's uploads.
     */
    public void removeLeftoverUploads() throws IOException {
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : devices) {
                try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
                    for (Path t : temps) {
                        Files.deleteIfExists(t);
                    }
                }
            }
        }
    }

    /**
     * The one place a device name becomes a path. A {@link DeviceName} is a single safe path
     * component; that the result stays a direct child of the data directory is what a mistake in
     * that rule would break first, so it is asserted here, where it would do harm.
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

    private static Path statsFile(Path dataFile) {
        return dataFile.resolveSibling(dataFile.getFileName() + STATS_SUFFIX);
    }

    /**
     * What a failed step of disk work becomes: a full disk is the device's refusal, logged here
     * once and without a stack trace; anything else stays an unexpected failure.
     */
    private static RuntimeException failure(String what, IOException e) {
        if (OutOfSpace.causedBy(e)) {
            log.warn("Cannot {}: {}", what, OutOfSpace.MESSAGE);
            return OutOfSpace.error();
        }
        return new UncheckedIOException(e);
    }

    /** Appends {@code line} to {@code activity} and yields {@code count} once the line is on the disk. */
    private static CompletableFuture<Long> record(ActivityLog activity, String line, long count, String what) {
        return activity.append(line).handle((v, e) -> {
            if (e == null) {
                return count;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IOException io) {
                throw failure(what, io);
            }
            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
        });
    }

    private static String fileOf(DeviceName device, FileId fileId) {
        return "file " + fileId + " for " + device;
    }

    /** Runs {@code work} on the lane of this file: after, never beside, earlier work on it. */
    private <T> CompletableFuture<T> onLane(DeviceName device, FileId fileId, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, lanes.forKey(device + "\u0000" + fileId));
    }

    @Override
    public CompletableFuture<Upload> beginUpload(DeviceName device, FileId fileId) {
        Path target = dataFile(device, fileId);
        return onLane(device, fileId, () -> {
            Path temp = null;
            try {
                createDirectory(target.getParent());
                // Beside the final name, so that putting it in place is a rename within one file system.
                temp = Files.createTempFile(target.getParent(), TEMP_PREFIX + fileId + "-", TEMP_SUFFIX);
                FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE);
                return new FileUpload(device, fileId, target, temp, out);
            } catch (IOException e) {
                removeQuietly(temp);
                throw failure("store " + fileOf(device, fileId), e);
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
            FileSummary summary = summaryOf(device, file, fileId, false);
            try {
                if (!disk.delete(file)) {
                    throw noSuchFile(fileId);
                }
                disk.delete(statsFile(file));
                disk.syncDirectory(file.getParent());
            } catch (IOException e) {
                throw failure("delete " + fileOf(device, fileId), e);
            }
            return summary.count();
        }).thenCompose(count -> record(deletionLog, logLine(device, fileId, count), count,
                "record the deletion of " + fileOf(device, fileId)));
    }

    /**
     * The stored summary when it matches the file; otherwise (no sidecar, a file put there by
     * hand) the file is read once and, if {@code save}, the sidecar written for next time. The
     * sidecar only saves work, so failing to write it is logged and the answer given all the same.
     */
    private FileSummary summaryOf(DeviceName device, Path file, FileId fileId, boolean save) {
        try {
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException e) {
                throw noSuchFile(fileId);
            }
            Path stats = statsFile(file);
            if (Files.exists(stats)) {
                FileSummary s = FileSummary.parse(Files.readString(stats, StandardCharsets.US_ASCII));
                if (s != null && s.bytes() == size) {
                    return s;
                }
            }
            FileSummary s = scan(file, fileId);
            if (save) {
                try {
                    writeAtomically(stats, s.toText());
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

    private FileSummary scan(Path file, FileId fileId) throws IOException {
        SampleStats stats = new SampleStats();
        SampleParser parser = new SampleParser(stats);
        byte[] buf = SCRATCH.get();
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
            throw new ProtocolException(ErrorCode.INTERNAL, "stored file " + fileId + " is damaged (" + e.getMessage() + ")");
        }
        return stats.summary(bytes);
    }

    /** Replaces {@code file} with {@code text} durably; on failure no temp file is left. */
    private void writeAtomically(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), TEMP_PREFIX + "stats-", TEMP_SUFFIX);
        try {
            writeDurably(temp, text);
            disk.move(temp, file);
        } catch (IOException | RuntimeException e) {
            removeQuietly(temp);
            throw e;
        }
        disk.syncDirectory(file.getParent());
    }

    /** Writes {@code text} into the empty file {@code file} and forces it to the disk. */
    private void writeDurably(Path file, String text) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            disk.write(file, out, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            disk.force(file, out);
        }
    }

    /** Removes a temp file after a failure; a failure to do so is only worth a line in the log. */
    private void removeQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            disk.delete(temp);
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot remove {}: {}", temp, e.toString());
        }
    }

    private String logLine(DeviceName device, FileId fileId, long count) {
        return device + "; " + Timestamps.format(clock.instant(), zone) + "; " + fileId + "; " + count;
    }

    private static ProtocolException noSuchFile(FileId fileId) {
        return new ProtocolException(ErrorCode.NO_SUCH_FILE, "file " + fileId + " does not exist at the server side");
    }

    @Override
    public void close() {
        lanes.close();
    }

    /** Receives one file. Touched only on its lane, one call at a time. */
    private final class FileUpload implements Upload {
        private final DeviceName device;
        private final FileId fileId;
        private final Path target;
        private final Path temp;
        private final FileChannel out;
        private final SampleStats stats = new SampleStats();
        private final SampleParser parser = new SampleParser(stats);
        private long bytes;
        private boolean done;
        /**
         * Why a chunk was refused. Chunks and the end of the upload may already be queued behind
         * the one that failed; they all fail with this same cause rather than "upload is over", so
         * whichever result the handler reads, it names the bad line.
         */
        private RuntimeException failure;

        FileUpload(DeviceName device, FileId fileId, Path target, Path temp, FileChannel out) {
            this.device = device;
            this.fileId = fileId;
            this.target = target;
            this.temp = temp;
            this.out = out;
        }

        @Override
        public FileId fileId() {
            return fileId;
        }

        @Override
        public CompletableFuture<Void> append(ByteBuf chunk) {
            try {
                return onLane(device, fileId, () -> {
                    try {
                        write(chunk);
                        return null;
                    } catch (RuntimeException e) {
                        fail(e);
                        throw e;
                    } finally {
                        chunk.release();
                    }
                });
            } catch (RuntimeException e) {
                chunk.release();
                throw e;
            }
        }

        private void write(ByteBuf chunk) {
            if (failure != null) {
                throw failure;
            }
            if (done) {
                throw new IllegalStateException("upload of file " + fileId + " is over");
            }
            byte[] buf = SCRATCH.get();
            try {
                while (chunk.isReadable()) {
                    int n = Math.min(buf.length, chunk.readableBytes());
                    chunk.readBytes(buf, 0, n);
                    // Checked before written: a bad line stops the upload before it costs disk.
                    parser.feed(buf, 0, n);
                    disk.write(temp, out, ByteBuffer.wrap(buf, 0, n));
                    bytes += n;
                }
            } catch (IOException e) {
                throw failure("store " + fileOf(device, fileId), e);
            }
        }

        @Override
        public CompletableFuture<Long> finish() {
            return onLane(device, fileId, () -> {
                try {
                    if (failure != null) {
                        throw failure;
                    }
                    if (done) {
                        throw new IllegalStateException("upload of file " + fileId + " is over");
                    }
                    parser.finish();
                    FileSummary summary = stats.summary(bytes);
                    try {
                        putInPlace(summary);
                    } catch (IOException e) {
                        discard();
                        throw failure("store " + fileOf(device, fileId), e);
                    }
                    done = true;
                    return summary.count();
                } catch (RuntimeException e) {
                    fail(e);
                    throw e;
                }
            }).thenCompose(count -> record(uploadLog, logLine(device, fileId, count), count,
                    "store " + fileOf(device, fileId)));
        }

        /**
         * Data and sidecar are each forced before they are moved into place, and the directory
         * after: once this returns, a power loss keeps both. The old sidecar goes first and the
         * new one comes after the data, so a crash in between never leaves a sidecar beside data
         * it was not made for (sizes alone may well match).
         */
        private void putInPlace(FileSummary summary) throws IOException {
            disk.force(temp, out);
            out.close();
            Path statsTarget = statsFile(target);
            Path statsTemp = Files.createTempFile(target.getParent(), TEMP_PREFIX + "stats-", TEMP_SUFFIX);
            try {
                writeDurably(statsTemp, summary.toText());
                disk.delete(statsTarget);
                disk.move(temp, target);
                disk.move(statsTemp, statsTarget);
            } catch (IOException | RuntimeException e) {
                removeQuietly(statsTemp);
                throw e;
            }
            disk.syncDirectory(target.getParent());
        }

        @Override
        public CompletableFuture<Void> abort() {
            return onLane(device, fileId, () -> {
                discard();
                return null;
            });
        }

        /** Keeps the first cause of failure and drops what was received. */
        private void fail(RuntimeException e) {
            if (failure == null && !done) {
                failure = e;
            }
            discard();
        }

        /** Closes and deletes the temp file; the stored file, if any, is untouched. */
        private void discard() {
            if (done) {
                return;
            }
            done = true;
            try {
                out.close();
            } catch (IOException e) {
                log.warn("Cannot close {}: {}", temp, e.getMessage());
            }
            removeQuietly(temp);
        }
    }
}
