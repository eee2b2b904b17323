package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Operation;

import java.util.concurrent.CompletableFuture;

/**
 * Each device's uploaded data files, reached only through the device's own name and a file ID,
 * so no device can touch another's files and no path comes from the network. Requests
 * fail with {@link org.edgenet.common.wire.ProtocolException}s carrying the code the device is told
 * ({@code NO_SUCH_FILE}, {@code EMPTY_FILE}, {@code INVALID_DATA}, {@code OUT_OF_SPACE}). A change
 * completes only once it would survive a power loss. Thread-safe; operations on one file never
 * interleave.
 */
public interface DataStore extends AutoCloseable {
    /** Starts receiving a file; nothing is visible under its name until the upload finishes. */
    CompletableFuture<Upload> beginUpload(DeviceName device, FileId fileId);

    /**
     * SCS: the result of {@code op} over the device's stored file, as exact decimal text. May be
     * complete when returned, answered on the caller's thread from what is known in memory.
     */
    CompletableFuture<String> compute(DeviceName device, FileId fileId, Operation op);

    /** DTE: removes the file, logs the deletion and yields the number of samples it held. */
    CompletableFuture<Long> delete(DeviceName device, FileId fileId);

    /**
     * DLD: opens the device's stored file for reading, at its size now; fails with
     * {@code NO_SUCH_FILE} when there is none.
     */
    CompletableFuture<Download> openDownload(DeviceName device, FileId fileId);

    /** Lets work under way finish, then stops. */
    @Override
    void close();

    /**
     * One file being received. Calls come from one thread at a time, in the file's order; several
     * chunks may be in flight, and the end may follow them before they are done.
     */
    interface Upload {
        FileId fileId();

        /**
         * Checks and stores the next bytes; takes ownership of {@code chunk} and releases it. A bad
         * line fails the future with {@code INVALID_DATA}, after which the upload is discarded.
         */
        CompletableFuture<Void> append(io.netty.buffer.ByteBuf chunk);

        /** The file is complete: puts it in place, logs it and yields its number of samples. */
        CompletableFuture<Long> finish();

        /** Drops everything received; safe to call at any time and more than once. */
        CompletableFuture<Void> abort();
    }

    /**
     * One stored file being read for a download. It stays open, so a file replaced or deleted
     * meanwhile is still read as it was when opened. Calls of {@link #next} come one at a time: the
     * next only after the previous future completed.
     */
    interface Download {
        FileId fileId();

        /** The bytes the file held when it was opened: exactly these are read. */
        long size();

        /**
         * The next at most {@code maxBytes} bytes, in a buffer from {@code alloc} that the caller
         * releases; null once {@link #size()} bytes were read. Fails with {@code FILE_CHANGED} when
         * the file turns out shorter or longer than its size.
         */
        CompletableFuture<io.netty.buffer.ByteBuf> next(io.netty.buffer.ByteBufAllocator alloc, int maxBytes);

        /** The SHA-256 of every byte read; only once {@link #next} has yielded null. */
        byte[] sha256();

        /** Closes the file; safe to call at any time and more than once. */
        CompletableFuture<Void> close();
    }
}
