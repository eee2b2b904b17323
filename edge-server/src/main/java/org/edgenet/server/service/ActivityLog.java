package org.edgenet.server.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * An append-only log file ({@code upload-log.txt}, {@code deletion-log.txt}) owned by one writer
 * thread. A line's future completes only once the line is on the disk, since the reply that
 * confirms an upload or a deletion waits for it.
 *
 * <p>Lines are committed in groups: the writer takes every line queued at that moment, writes them
 * in one go and forces the file once, then completes their futures in the order they were
 * appended. While one force runs, the next group gathers, so many devices share the cost of one
 * disk flush. A group that fails is cut off the file again, so no partial line stays behind to
 * run into the next one. The queue needs no bound of its own: every connection has at most one
 * command, hence one line, in flight.
 */
public final class ActivityLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ActivityLog.class);

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Path file;
    /** Replaced only by {@link #retain}, on the writer. */
    private FileChannel channel;
    private final Disk disk;
    private final SerialExecutor writer;

    /** Lines the next group will carry, in append order. Guarded by itself. */
    private final PendingBatch<Line> queued = new PendingBatch<>();

    private record Line(byte[] bytes, CompletableFuture<Void> done) {
    }

    private ActivityLog(Path file, FileChannel channel, Disk disk, SerialExecutor writer) {
        this.file = file;
        this.channel = channel;
        this.disk = disk;
        this.writer = writer;
    }

    /** Opens (creating if needed) {@code file} for appending, with its own writer thread. */
    public static ActivityLog open(Path file, Disk disk) throws IOException {
        SerialExecutor writer = SerialExecutor.thread("log-writer-" + file.getFileName());
        try {
            return new ActivityLog(file, openChannel(file, disk), disk, writer);
        } catch (IOException e) {
            writer.shutdown();
            throw e;
        }
    }

    /**
     * As {@link #open(Path, Disk)}, writing on {@code writer}, which must run one task at a time;
     * tests pass a direct executor, or one they run by hand.
     */
    public static ActivityLog open(Path file, Disk disk, Executor writer) throws IOException {
        return new ActivityLog(file, openChannel(file, disk), disk, SerialExecutor.on(writer));
    }

    private static FileChannel openChannel(Path file, Disk disk) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        boolean created = !Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (created && dir != null) {
            // A forced line is lost all the same if the file's own name is not on the disk.
            try {
                disk.syncDirectory(dir);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        return channel;
    }

    /**
     * Appends {@code line} and a line feed; completes once the line is on the disk, or fails with
     * the {@link IOException} that kept it off, in which case the file is as it was.
     */
    public CompletableFuture<Void> append(String line) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queue;
        synchronized (queued) {
            queue = queued.add(new Line((line + "\n").getBytes(StandardCharsets.UTF_8), done));
        }
        if (queue) {
            try {
                writer.execute(this::writeQueued);
            } catch (RejectedExecutionException e) {
                failQueued(e);
            }
        }
        return done;
    }

    /** Runs on the writer: one write and one force for every line queued, then their futures. */
    private void writeQueued() {
        List<Line> group = takeQueued();
        if (group.isEmpty()) {
            return;
        }
        int size = 0;
        for (Line l : group) {
            size += l.bytes().length;
        }
        ByteBuffer bytes = ByteBuffer.allocate(size);
        for (Line l : group) {
            bytes.put(l.bytes());
        }
        bytes.flip();
        long end = -1;
        try {
            end = channel.size();
            disk.write(file, channel, bytes);
            disk.force(file, channel);
        } catch (IOException e) {
            cutBackTo(end);
            group.forEach(l -> l.done().completeExceptionally(e));
            return;
        }
        group.forEach(l -> l.done().complete(null));
    }

    /** Removes what a failed group left, so the next line starts on a line of its own. */
    private void cutBackTo(long end) {
        if (end < 0) {
            return;
        }
        try {
            if (channel.size() > end) {
                channel.truncate(end);
            }
        } catch (IOException e) {
            log.warn("Cannot remove a partly written line from {}: {}", file, e.getMessage());
        }
    }

    private List<Line> takeQueued() {
        synchronized (queued) {
            return queued.take();
        }
    }

    private void failQueued(RuntimeException e) {
        takeQueued().forEach(l -> l.done().completeExceptionally(e));
    }

    public Path file() {
        return file;
    }

    /**
     * Rewrites the file with only the lines {@code keep} accepts, on the writer, between two groups
     * of appends: the new file replaces the old in one atomic rename after being forced, so a reader
     * or a crash sees one or the other. Completes with the number of lines removed; nothing is
     * rewritten when none is.
     */
    public CompletableFuture<Integer> retain(Predicate<String> keep) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        try {
            writer.execute(() -> {
                try {
                    done.complete(rewrite(keep));
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private int rewrite(Predicate<String> keep) throws IOException {
        StringBuilder kept = new StringBuilder();
        int removed = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (keep.test(line)) {
                    kept.append(line).append('\n');
                } else {
                    removed++;
                }
            }
        }
        if (removed == 0) {
            return 0;
        }
        new AtomicFile(file, disk, true).replace(kept);
        FileChannel old = channel;
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        old.close();
        return removed;
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        writer.close(CLOSE_WAIT);
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Cannot close {}: {}", file, e.getMessage());
        }
    }
}
