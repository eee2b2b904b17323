package org.edgenet.server.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.edgenet.common.files.Sha256;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * One stored file read for DLD, one chunk per task on its file's lane: a long download never holds
 * the lane for more than one chunk, so uploads of other files on that lane go on between its reads.
 * The file stays open from the start, so on POSIX a file deleted or replaced meanwhile is still
 * read whole as it was; a file cut short or grown in place (only by hand) fails the download with
 * {@code FILE_CHANGED}. The SHA-256 grows with each chunk read.
 */
final class FileDownload implements DataStore.Download {
    private final FileDataStore store;
    private final DeviceName device;
    private final FileId fileId;
    private final FileChannel in;
    private final long size;
    private final MessageDigest sha;
    private long position;
    private byte[] digest;
    private boolean closed;

    private FileDownload(FileDataStore store, DeviceName device, FileId fileId, FileChannel in, long size) {
        this.store = store;
        this.device = device;
        this.fileId = fileId;
        this.in = in;
        this.size = size;
        this.sha = Sha256.newDigest();
    }

    /** On the file's lane: opens {@code file}; {@code NO_SUCH_FILE} when the device has none. */
    static FileDownload open(FileDataStore store, DeviceName device, FileId fileId, Path file) {
        FileChannel in;
        try {
            in = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw FileDataStore.noSuchFile(fileId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return new FileDownload(store, device, fileId, in, in.size());
        } catch (IOException | RuntimeException e) {
            closeQuietly(in);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    @Override
    public FileId fileId() {
        return fileId;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public CompletableFuture<ByteBuf> next(ByteBufAllocator alloc, int maxBytes) {
        return store.onLane(device, fileId, () -> {
            if (closed) {
                throw new IllegalStateException("the download of file " + fileId + " is closed");
            }
            try {
                return read(alloc, maxBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private ByteBuf read(ByteBufAllocator alloc, int maxBytes) throws IOException {
        if (position == size) {
            if (in.size() != size) {
                throw changed();
            }
            digest = sha.digest();
            return null;
        }
        int length = (int) Math.min(maxBytes, size - position);
        ByteBuf buf = alloc.ioBuffer(length);
        try {
            while (buf.readableBytes() < length) {
                int n = buf.writeBytes(in, position + buf.readableBytes(), length - buf.readableBytes());
                if (n < 0) {
                    throw changed();
                }
            }
            sha.update(buf.nioBuffer(buf.readerIndex(), buf.readableBytes()));
            position += length;
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private ProtocolException changed() {
        return new ProtocolException(ErrorCode.FILE_CHANGED,
                "file " + fileId + " changed at the server side during the download; try again");
    }

    @Override
    public byte[] sha256() {
        if (digest == null) {
            throw new IllegalStateException("the download of file " + fileId + " is not complete");
        }
        return digest.clone();
    }

    @Override
    public CompletableFuture<Void> close() {
        return store.onLane(device, fileId, () -> {
            if (!closed) {
                closed = true;
                closeQuietly(in);
            }
            return null;
        });
    }

    private static void closeQuietly(FileChannel in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // A file only read: closing it cannot lose anything.
        }
    }
}
