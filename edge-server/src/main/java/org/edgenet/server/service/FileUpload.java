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
import java.util.concurrent.CompletableFuture;

/**
 * One file being received by a {@link FileDataStore}: written to a temp file beside its final name
 * while {@link SampleParser} checks it, put in place with its summary only once complete and
 * valid, and only then logged. Touched only on its file's lane, one call at a time.
 */
final class FileUpload implements DataStore.Upload {
    private static final Logger log = LoggerFactory.getLogger(FileUpload.class);

    private final FileDataStore store;
    private final DurableFiles files;
    private final DeviceName device;
    private final FileId fileId;
    private final Path temp;
    private final FileChannel out;
    private final SampleStats stats = new SampleStats();
    private final SampleParser parser = new SampleParser(stats);
    private long bytes;
    private boolean done;
    /**
     * Why a chunk was refused. Chunks and the end of the upload may already be queued behind the
     * one that failed; they all fail with this same cause rather than "upload is over", so
     * whichever result the handler reads, it names the bad line.
     */
    private RuntimeException failure;

    /** @param out {@code temp}, open for writing; the upload closes it */
    FileUpload(FileDataStore store, DurableFiles files, DeviceName device, FileId fileId, Path temp, FileChannel out) {
        this.store = store;
        this.files = files;
        this.device = device;
        this.fileId = fileId;
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
            return store.onLane(device, fileId, () -> {
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
        requireOpen();
        byte[] buf = FileDataStore.scratch();
        try {
            while (chunk.isReadable()) {
                int n = Math.min(buf.length, chunk.readableBytes());
                chunk.readBytes(buf, 0, n);
                // Checked before written: a bad line stops the upload before it costs disk.
                parser.feed(buf, 0, n);
                files.write(temp, out, ByteBuffer.wrap(buf, 0, n));
                bytes += n;
            }
        } catch (IOException e) {
            throw DurableFiles.failure(storing(), e);
        }
    }

    @Override
    public CompletableFuture<Long> finish() {
        return store.onLane(device, fileId, () -> {
            try {
                requireOpen();
                parser.finish();
                ComputeStats summary = stats.summary(bytes);
                try {
                    Path target = store.dataFile(device, fileId);
                    long before = Files.exists(target) ? Files.size(target) : 0;
                    files.putInPlace(temp, out, target, FileDataStore.statsFile(target), summary.toText());
                    store.countStored(before, bytes);
                } catch (IOException e) {
                    discard();
                    throw DurableFiles.failure(storing(), e);
                }
                done = true;
                return summary.count();
            } catch (RuntimeException e) {
                fail(e);
                throw e;
            }
        }).thenCompose(count -> store.recordUpload(device, fileId, count));
    }

    @Override
    public CompletableFuture<Void> abort() {
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
        files.removeQuietly(temp);
    }
}
