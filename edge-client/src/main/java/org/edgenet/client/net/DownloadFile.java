package org.edgenet.client.net;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.client.p2p.PartFiles;
import org.edgenet.common.files.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The temp file of one download and the one thread that writes it, so the event loop never waits
 * for the disk. The event loop hands over chunks in order; the writer appends each, hashes it, and
 * at the end checks size and SHA-256 against the server's, forces the file to the disk and renames
 * it over the final name in one step. Until then the final name is untouched: a download that
 * fails, is cancelled or is cut off leaves the file that was there (or none), and the temp file
 * is deleted; one left by a killed process is a locked {@code .dld-*.part} that the next start
 * sweeps away ({@link PartFiles}).
 *
 * <p>What waits for the writer is counted in {@link #backlog()}; the exchange stops reading the
 * socket while it is high, which is all that bounds it.
 */
final class DownloadFile {
    /** The file-system steps and the writer thread, so that a test can fill the disk and run the writes. */
    interface Disk {
        /** A new executor that runs tasks one at a time, in order, for one download. */
        Executor newWriter();

        /** The download is over: the writer takes no more tasks. */
        void closeWriter(Executor writer);

        PartFiles.Owned create(Path dir) throws IOException;

        long usableSpace(Path dir) throws IOException;

        void write(FileChannel out, ByteBuffer bytes) throws IOException;

        void force(FileChannel out) throws IOException;
    }

    static final Disk DISK = new Disk() {
        @Override
        public Executor newWriter() {
            // No bound of its own, yet the network cannot grow it: the exchange stops reading the
            // socket above 1 MiB of backlog, so what the server sends waits in TCP, not here.
            return Executors.newSingleThreadExecutor(new DefaultThreadFactory("download", true)); // paced by TCP
        }

        @Override
        public void closeWriter(Executor writer) {
            ((ExecutorService) writer).shutdown();
        }

        @Override
        public PartFiles.Owned create(Path dir) throws IOException {
            return PartFiles.createForDownload(dir);
        }

        @Override
        public long usableSpace(Path dir) throws IOException {
            return Files.getFileStore(dir).getUsableSpace();
        }

        @Override
        public void write(FileChannel out, ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }

        @Override
        public void force(FileChannel out) throws IOException {
            out.force(false);
        }
    };

    /** Told, on the writer thread, of what happens to the file. */
    interface Listener {
        /** Another chunk is in the temp file: {@code bytes} so far. */
        void written(long bytes);

        /** The file cannot be written; what follows is dropped. Told once. */
        void failed(String reason);
    }

    private final Path target;
    private final long size;
    private final Disk disk;
    private final Listener listener;
    private final Executor writer;
    private final AtomicLong backlog = new AtomicLong();
    private final MessageDigest sha;
    // The writer thread's own.
    private PartFiles.Owned temp;
    private long written;
    private String failure;

    DownloadFile(Path target, long size, Disk disk, Listener listener) {
        this.target = target.toAbsolutePath().normalize();
        this.size = size;
        this.disk = disk;
        this.listener = listener;
        this.writer = disk.newWriter();
        this.sha = Sha256.newDigest();
        writer.execute(this::open);
    }

    /** Bytes handed over and not yet written. */
    long backlog() {
        return backlog.get();
    }

    /** Takes ownership of {@code chunk}, released once written (or dropped after a failure). */
    void write(ByteBuf chunk) {
        int length = chunk.readableBytes();
        backlog.addAndGet(length);
        try {
            writer.execute(() -> {
                try {
                    append(chunk);
                } finally {
                    backlog.addAndGet(-length);
                    chunk.release();
                }
            });
        } catch (RejectedExecutionException e) {
            // Already aborted: the chunk has nowhere to go.
            backlog.addAndGet(-length);
            chunk.release();
        }
    }

    /**
     * Everything has been handed over: checks it against {@code expected}, then puts it in place.
     * Yields whether a file of the final name was replaced; fails with
     * {@link DownloadFailedException} when nothing was stored.
     */
    CompletableFuture<Boolean> finish(byte[] expected) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return putInPlace(expected);
            } finally {
                disk.closeWriter(writer);
            }
        }, writer);
    }

    /** Drops the download: deletes the temp file; the final name is untouched. */
    CompletableFuture<Void> abort() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            writer.execute(() -> {
                discard();
                disk.closeWriter(writer);
                done.complete(null);
            });
        } catch (RejectedExecutionException e) {
            // Already finished or aborted: nothing of this download is left.
            done.complete(null);
        }
        return done;
    }

    private void open() {
        try {
            Path dir = target.getParent();
            long usable = disk.usableSpace(dir);
            if (size > usable) {
                fail("there is not enough disk space: the file has " + size + " bytes, " + usable + " are free");
                return;
            }
            temp = disk.create(dir);
        } catch (IOException e) {
            fail("the file could not be created: " + reason(e));
        }
    }

    private void append(ByteBuf chunk) {
        if (failure != null || temp == null) {
            return;
        }
        try {
            ByteBuffer bytes = chunk.nioBuffer(chunk.readerIndex(), chunk.readableBytes());
            sha.update(bytes.duplicate());
            disk.write(temp.channel(), bytes);
            written += chunk.readableBytes();
            listener.written(written);
        } catch (IOException e) {
            fail(reason(e));
        }
    }

    private boolean putInPlace(byte[] expected) {
        if (failure != null || temp == null) {
            discard();
            throw new DownloadFailedException(failure == null ? "the file could not be written" : failure);
        }
        byte[] actual = sha.digest();
        if (written != size || !MessageDigest.isEqual(actual, expected)) {
            discard();
            throw new DownloadFailedException("the file arrived damaged (" + written + " of " + size
                    + " bytes, SHA-256 " + HexFormat.of().formatHex(actual) + " instead of "
                    + HexFormat.of().formatHex(expected) + ")");
        }
        try {
            disk.force(temp.channel());
            boolean replaced = Files.exists(target);
            move(temp.path(), target);
            PartFiles.release(temp.path());
            closeQuietly();
            temp = null;
            return replaced;
        } catch (IOException e) {
            discard();
            throw new DownloadFailedException("the file could not be stored: " + reason(e));
        }
    }

    /** A rename replaces the old file in one step: a reader sees the old or the new, never half. */
    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void fail(String reason) {
        if (failure == null) {
            failure = reason;
            discard();
            listener.failed(reason);
        }
    }

    private void discard() {
        if (temp == null) {
            return;
        }
        closeQuietly();
        try {
            Files.deleteIfExists(temp.path());
        } catch (IOException ignored) {
            // Left behind, it is a leftover that the next start sweeps away.
        }
        PartFiles.release(temp.path());
        temp = null;
    }

    private void closeQuietly() {
        try {
            temp.channel().close();
        } catch (IOException ignored) {
            // Nothing more is written to it.
        }
    }

    /** A full disk in plain words; anything else as the system says it. */
    static String reason(IOException e) {
        String m = e.getMessage();
        if (m != null && m.contains("No space left on device")) {
            return "the disk is full";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
