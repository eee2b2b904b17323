package org.edgenet.client.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.wire.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A whole upload as one stream of messages: {@link UploadBegin}, the file in chunks of at most
 * {@link WireFormat#UPLOAD_CHUNK_SIZE} bytes, then {@link UploadEnd} — or {@link UploadAbort} when
 * the server refused early or the file could not be read. {@code ChunkedWriteHandler} pulls the
 * next message only while the channel is writable, so at most a few chunks are ever in memory.
 */
final class UploadStream implements ChunkedInput<Message> {
    private static final Logger log = LoggerFactory.getLogger(UploadStream.class);

    private final FileId fileId;
    private final ChunkedNioFile file;
    private final UploadProgress progress;
    private boolean begun;
    private boolean finished;
    private boolean endSent;
    private String abortReason;
    private IOException readFailure;

    UploadStream(FileId fileId, FileChannel channel, UploadProgress progress) throws IOException {
        this.fileId = fileId;
        this.file = new ChunkedNioFile(channel, 0, channel.size(), WireFormat.UPLOAD_CHUNK_SIZE);
        this.progress = progress;
    }

    /** Ends the stream with {@link UploadAbort} instead of the rest of the file. */
    void abort(String reason) {
        if (!finished) {
            abortReason = reason;
        }
    }

    boolean finished() {
        return finished;
    }

    /** True once {@link UploadEnd} has been produced: the server owes exactly one reply. */
    boolean endSent() {
        return endSent;
    }

    IOException readFailure() {
        return readFailure;
    }

    @Override
    public boolean isEndOfInput() {
        return finished;
    }

    @Override
    public Message readChunk(ByteBufAllocator allocator) {
        if (finished) {
            return null;
        }
        if (!begun) {
            begun = true;
            return new UploadBegin(fileId);
        }
        if (abortReason != null) {
            finished = true;
            return new UploadAbort(abortReason);
        }
        try {
            if (file.isEndOfInput()) {
                finished = true;
                endSent = true;
                return new UploadEnd();
            }
            ByteBuf data = file.readChunk(allocator);
            if (data == null || !data.isReadable()) {
                // The file shrank under us: stop rather than send empty chunks for ever.
                if (data != null) {
                    data.release();
                }
                throw new IOException("the file became shorter while it was uploaded");
            }
            showProgress();
            return new UploadChunk(data);
        } catch (Exception e) {
            readFailure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            finished = true;
            return new UploadAbort("the device could not read its file");
        }
    }

    /** A screen that fails to show the progress must not stop the upload. */
    private void showProgress() {
        try {
            progress.sent(file.currentOffset(), file.endOffset());
        } catch (RuntimeException e) {
            log.warn("Showing the progress of file {} failed", fileId, e);
        }
    }

    @Deprecated
    @Override
    public Message readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return file.progress();
    }

    @Override
    public void close() throws Exception {
        file.close();
    }
}
