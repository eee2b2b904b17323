package org.edgenet.server.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An append-only log file ({@code upload-log.txt}, {@code deletion-log.txt}) owned by one writer
 * thread. Each line goes out whole in one write to a file opened for appending, so lines never mix
 * and a restart adds to what was there. The queue needs no bound of its own: every connection has
 * at most one command, hence one line, in flight.
 */
public final class ActivityLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ActivityLog.class);

    private final Path file;
    private final FileChannel channel;
    private final Executor writer;
    private final ExecutorService ownedWriter;

    private ActivityLog(Path file, FileChannel channel, Executor writer, ExecutorService ownedWriter) {
        this.file = file;
        this.channel = channel;
        this.writer = writer;
        this.ownedWriter = ownedWriter;
    }

    /** Opens (creating if needed) {@code file} for appending, with its own writer thread. */
    public static ActivityLog open(Path file) throws IOException {
        String name = "log-writer-" + file.getFileName();
        ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            return new ActivityLog(file, openChannel(file), owner, owner);
        } catch (IOException e) {
            owner.shutdown();
            throw e;
        }
    }

    /** As {@link #open(Path)}, writing on {@code writer}; tests pass a direct executor. */
    public static ActivityLog open(Path file, Executor writer) throws IOException {
        return new ActivityLog(file, openChannel(file), writer, null);
    }

    private static FileChannel openChannel(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Appends {@code line} and a line feed; completes once the line is in the file. */
    public CompletableFuture<Void> append(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.runAsync(() -> {
            try {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                log.error("Cannot append to {}", file, e);
                throw new java.io.UncheckedIOException(e);
            }
        }, writer);
    }

    public Path file() {
        return file;
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        if (ownedWriter != null) {
            ownedWriter.shutdown();
            try {
                ownedWriter.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Cannot close {}: {}", file, e.getMessage());
        }
    }
}
