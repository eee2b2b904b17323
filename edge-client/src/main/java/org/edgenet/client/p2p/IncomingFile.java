package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.files.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The temp file of one incoming transfer and its single writer. The event loop hands over
 * payloads (already copied out of their datagrams) in batches; one task at a time on the disk
 * executor writes them at their offsets, merging neighbours into one gathering write, and hashes
 * the file as its in-order prefix grows: straight from the payload when it arrives in order,
 * otherwise by reading the prefix back from the temp file. So memory is bounded by what the event
 * loop hands over (the receive window), and the SHA-256 is ready when the last byte is written.
 */
final class IncomingFile {
    /** Outcome of {@link #finish}: {@code null} problem means the file has its final name. */
    record Outcome(Path stored, String problem, boolean damaged) {
        static Outcome stored(Path path) {
            return new Outcome(path, null, false);
        }

        static Outcome failed(String problem, boolean damaged) {
            return new Outcome(null, problem, damaged);
        }
    }

    private record Chunk(long offset, ByteBuf data) {
    }

    private record Prefix(long bytes) {
    }

    private record Finish(byte[] expected, Path target, Consumer<Outcome> done) {
    }

    private record Abort(Runnable done) {
    }

    private static final int READ_BACK = 256 * 1024;
    private static final int MAX_GATHER = 64;

    private final Path temp;
    private final FileChannel channel;
    private final Executor disk;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong backlog = new AtomicLong();
    private final MessageDigest sha;
    private final Progress progress;
    private long hashed;
    private long written;
    private boolean closed;
    private ByteBuffer readBack;
    /** Event-loop side: the largest prefix handed to the writer so far. */
    private long prefixQueued;

    /** Told, on the disk thread, how many bytes are written so far; {@link #finish} reports the end. */
    interface Progress {
        void written(long bytes);
    }

    IncomingFile(Path temp, FileChannel channel, Executor disk, Progress progress) {
        this.temp = temp;
        this.channel = channel;
        this.disk = disk;
        this.progress = progress;
        this.sha = Sha256.newDigest();
    }

    /** Bytes handed over and not yet written: the audience's flow-control measure. */
    long backlog() {
        return backlog.get();
    }

    /** Takes ownership of {@code data} (released once written), to land at {@code offset}. */
    void add(long offset, ByteBuf data) {
        backlog.addAndGet(data.readableBytes());
        queue.add(new Chunk(offset, data));
    }

    /**
     * Everything up to {@code bytes} has been handed over: once the writer reaches this mark it can
     * hash the prefix. Also starts the writer for what was added before.
     */
    void prefix(long bytes) {
        // Called once per read burst: only a grown prefix is worth a marker, so duplicates queue nothing.
        if (bytes > prefixQueued) {
            prefixQueued = bytes;
            queue.add(new Prefix(bytes));
        }
        schedule();
    }

    /** After everything handed over: check the SHA-256 and, when it matches, move to {@code target}. */
    void finish(byte[] expected, Path target, Consumer<Outcome> done) {
        queue.add(new Finish(expected, target, done));
        schedule();
    }

    /** Drops the transfer: closes and deletes the temp file, then runs {@code done} on the disk thread. */
    void abort(Runnable done) {
        queue.add(new Abort(done));
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                disk.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // The node has closed its disk executor: finish here, so the temp file still goes.
                drain();
            }
        }
    }

    private void drain() {
        List<Chunk> run = new ArrayList<>(MAX_GATHER);
        do {
            Object item;
            while ((item = queue.poll()) != null) {
                if (item instanceof Chunk c) {
                    if (closed) {
                        release(c);
                    } else {
                        if (!run.isEmpty() && (run.size() == MAX_GATHER || !adjacent(run, c))) {
                            writeRun(run);
                        }
                        run.add(c);
                    }
                    continue;
                }
                writeRun(run);
                if (item instanceof Prefix p) {
                    hashUpTo(p.bytes());
                } else if (item instanceof Finish f) {
                    finishNow(f);
                } else if (item instanceof Abort a) {
                    closeAndDelete();
                    a.done().run();
                }
            }
            writeRun(run);
            scheduled.set(false);
        } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
    }

    private static boolean adjacent(List<Chunk> run, Chunk next) {
        Chunk last = run.get(run.size() - 1);
        return last.offset() + last.data().readableBytes() == next.offset();
    }

    /** One gathering write for neighbouring chunks, then the in-order ones go into the hash. */
    private void writeRun(List<Chunk> run) {
        if (run.isEmpty()) {
            return;
        }
        try {
            if (!closed) {
                ByteBuffer[] buffers = new ByteBuffer[run.size()];
                long length = 0;
                for (int i = 0; i < buffers.length; i++) {
                    ByteBuf d = run.get(i).data();
                    buffers[i] = d.nioBuffer(d.readerIndex(), d.readableBytes());
                    length += buffers[i].remaining();
                }
                channel.position(run.get(0).offset());
                long done = 0;
                while (done < length) {
                    done += channel.write(buffers);
                }
                written += length;
                for (Chunk c : run) {
                    if (c.offset() == hashed) {
                        ByteBuf d = c.data();
                        sha.update(d.nioBuffer(d.readerIndex(), d.readableBytes()));
                        hashed += d.readableBytes();
                    }
                }
                progress.written(written);
            }
        } catch (IOException e) {
            // The finish step reports the failure: the hash cannot match a file with a hole.
            closeAndDelete();
        } finally {
            for (Chunk c : run) {
                release(c);
            }
            run.clear();
        }
    }

    private void release(Chunk c) {
        backlog.addAndGet(-c.data().readableBytes());
        c.data().release();
    }

    /** Hashes the written prefix that did not arrive in order, reading it back (from the page cache). */
    private void hashUpTo(long bytes) {
        if (closed || bytes <= hashed) {
            return;
        }
        try {
            if (readBack == null) {
                readBack = ByteBuffer.allocateDirect(READ_BACK);
            }
            while (hashed < bytes) {
                readBack.clear().limit((int) Math.min(READ_BACK, bytes - hashed));
                int n = channel.read(readBack, hashed);
                if (n <= 0) {
                    throw new IOException("temp file shorter than written");
                }
                readBack.flip();
                sha.update(readBack);
                hashed += n;
            }
        } catch (IOException e) {
            closeAndDelete();
        }
    }

    private void finishNow(Finish f) {
        if (closed) {
            f.done().accept(Outcome.failed("the file could not be written", false));
            return;
        }
        byte[] actual = sha.digest();
        if (!MessageDigest.isEqual(actual, f.expected())) {
            closeAndDelete();
            f.done().accept(Outcome.failed("the file arrived damaged (SHA-256 mismatch)", true));
            return;
        }
        try {
            // On POSIX a rename replaces an existing target atomically: readers see old or new, never
            // half. Renamed while still open and locked, so that no sweep ever takes it for a leftover.
            Files.move(temp, f.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            closeAndDelete();
            f.done().accept(Outcome.failed("the file could not be stored: " + e.getMessage(), false));
            return;
        }
        PartFiles.release(temp);
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // Every byte was written and the file has its name: closing cannot lose anything now.
        }
        f.done().accept(Outcome.stored(f.target()));
    }

    private void closeAndDelete() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a file we only wrote to: nothing to recover.
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // A temp file that cannot be deleted is harmless: the next start removes it.
        }
        PartFiles.release(temp);
    }
}
