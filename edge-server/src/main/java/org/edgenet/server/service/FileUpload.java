package org.edgenet.server.service;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * One file being received by a {@link FileDataStore}: written to a temp file beside its final name
 * while {@link SampleParser} checks it, put in place with its summary only once complete and
 * valid, and only then logged. The temp file is opened by the first chunk or the end, in its task
 * on the file's lane; everything that touches the file runs there, one task at a time.
 *
 * <p>The parse is CPU work, not disk work, so it runs on the caller's thread (the connection's
 * event loop) as each chunk is handed over, before the chunk is queued: the lane only writes, and
 * one upload keeps two threads busy instead of one. The caller hands chunks over in file order,
 * so the parser sees them in order; the lane reads its sums only after the last chunk was parsed,
 * through the hand-over of the end's task.
 */
final class FileUpload implements DataStore.Upload {
    private static final Logger log = LoggerFactory.getLogger(FileUpload.class);

    private final FileDataStore store;
    private final DurableFiles files;
    private final DeviceName device;
    private final FileId fileId;
    // Owned by the caller until the end is handed over, then read by the lane.
    private final SampleStats stats = new SampleStats();
    private final SampleParser parser = new SampleParser(stats);
    /** The first bad line the caller's parse found; no later chunk is parsed. Caller only. */
    private RuntimeException refusal;
    /**
     * Whether any work of this upload was handed to the lane; read and written only by the caller
     * (the connection's event loop). An upload never handed over is aborted without a task, so a
     * peer that begins and aborts in a loop queues nothing.
     */
    private boolean handedOver;

    // Owned by the lane.
    private Path temp;
    private FileChannel out;
    private long bytes;
    private boolean done;
    /**
     * Why a chunk was refused. Chunks and the end of the upload may already be queued behind the
     * one that failed; they all fail with this same cause rather than "upload is over", so
     * whichever result the handler reads, it names the bad line.
     */
    private RuntimeException failure;

    FileUpload(FileDataStore store, DurableFiles files, DeviceName device, FileId fileId) {
        this.store = store;
        this.files = files;
        this.device = device;
        this.fileId = fileId;
    }

    @Override
    public FileId fileId() {
        return fileId;
    }

    @Override
    public CompletableFuture<Void> append(ByteBuf chunk) {
        try {
            handedOver = true;
            parse(chunk);
            RuntimeException refused = refusal;
            return store.onLane(device, fileId, () -> {
                try {
                    requireOpen();
                    if (refused != null) {
                        // A bad line stops the upload before the chunk costs disk.
                        throw refused;
                    }
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

    /**
     * Checks the chunk on the caller's thread. The parser reads a heap array: a heap chunk's own,
     * else a copy in the thread's scratch array.
     */
    private void parse(ByteBuf chunk) {
        if (refusal != null) {
            return;
        }
        try {
            int n = chunk.readableBytes();
            int from = chunk.readerIndex();
            if (chunk.hasArray()) {
                parser.feed(chunk.array(), chunk.arrayOffset() + from, n);
            } else {
                byte[] buf = FileDataStore.scratch();
                for (int parsed = 0; parsed < n; parsed += buf.length) {
                    int piece = Math.min(buf.length, n - parsed);
                    chunk.getBytes(from + parsed, buf, 0, piece);
                    parser.feed(buf, 0, piece);
                }
            }
        } catch (RuntimeException e) {
            refusal = e;
        }
    }

    /**
     * On the lane: writes the chunk the caller has checked. It is written from the chunk itself,
     * so a direct chunk (the frame decoder's, from a pooled direct allocator) reaches the kernel
     * without the JDK's copy into a direct buffer.
     */
    private void write(ByteBuf chunk) {
        try {
            open();
            int n = chunk.readableBytes();
            int from = chunk.readerIndex();
            if (chunk.nioBufferCount() == 1) {
                files.write(temp, out, chunk.nioBuffer(from, n));
            } else {
                for (ByteBuffer b : chunk.nioBuffers(from, n)) {
                    files.write(temp, out, b);
                }
            }
            chunk.skipBytes(n);
            bytes += n;
        } catch (IOException e) {
            throw DurableFiles.failure(storing(), e);
        }
    }

    /** A new temp file beside the final name, open for writing, unless this upload has one. */
    private void open() throws IOException {
        if (out != null) {
            return;
        }
        Path dir = store.dataFile(device, fileId).getParent();
        files.createDirectory(dir);
        temp = files.createTemp(dir, fileId.toString());
        out = FileChannel.open(temp, StandardOpenOption.WRITE);
    }

    @Override
    public CompletableFuture<Long> finish() {
        handedOver = true;
        if (refusal == null) {
            try {
                parser.finish();
            } catch (RuntimeException e) {
                refusal = e;
            }
        }
        RuntimeException refused = refusal;
        return store.onLane(device, fileId, () -> {
            try {
                requireOpen();
                if (refused != null) {
                    throw refused;
                }
                ComputeStats summary = stats.summary(bytes);
                try {
                    open();
                    Path target = store.dataFile(device, fileId);
                    // From here until the new summary is published, SCS on this file waits on the lane.
                    store.forgetSummary(device, fileId);
                    long before = Files.exists(target) ? Files.size(target) : 0;
                    files.putInPlace(temp, out, target, FileDataStore.statsFile(target), summary.toText());
                    store.countStored(before, bytes);
                } catch (IOException e) {
                    discard();
                    throw DurableFiles.failure(storing(), e);
                }
                done = true;
                store.publishSummary(device, fileId, summary);
                return summary.count();
            } catch (RuntimeException e) {
                fail(e);
                throw e;
            }
        }).thenCompose(count -> store.recordUpload(device, fileId, count));
    }

    @Override
    public CompletableFuture<Void> abort() {
        if (!handedOver) {
            // Nothing reached the lane, so nothing was opened; no task of the lane has seen this
            // object, and handing it over later would publish this write.
            handedOver = true;
            done = true;
            return CompletableFuture.completedFuture(null);
        }
        return store.onLane(device, fileId, () -> {
            discard();
            return null;
        });
    }

    private String storing() {
        return "store " + FileDataStore.fileOf(device, fileId);
    }

    /** The refusal of an earlier chunk, or that the upload is over, fails what comes after it. */
    private void requireOpen() {
        if (failure != null) {
            throw failure;
        }
        if (done) {
            throw new IllegalStateException("upload of file " + fileId + " is over");
        }
    }

    /** Keeps the first cause of failure and drops what was received. */
    private void fail(RuntimeException e) {
        if (failure == null && !done) {
            failure = e;
        }
        discard();
    }

    /** Closes and deletes the temp file, if there is one; the stored file, if any, is untouched. */
    private void discard() {
        if (done) {
            return;
        }
        done = true;
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                log.warn("Cannot close {}: {}", temp, e.getMessage());
            }
        }
        files.removeQuietly(temp);
    }
}
