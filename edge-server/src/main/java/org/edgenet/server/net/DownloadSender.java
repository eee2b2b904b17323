package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.DownloadBegin;
import org.edgenet.common.message.DownloadCancelled;
import org.edgenet.common.message.DownloadChunk;
import org.edgenet.common.message.DownloadEnd;
import org.edgenet.common.wire.WireFormat;
import org.edgenet.server.service.DataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DLD stream of one connection, for its {@link CommandHandler}, which opens the file as a
 * request and hands the open file here: this class sends {@link DownloadBegin}, the chunks and
 * {@link DownloadEnd} (or the read's failure, or {@link DownloadCancelled} when the device asked).
 *
 * <pre>
 *   idle ──opened──▶ streaming ──last chunk read──▶ idle        (DownloadEnd with the SHA-256)
 *   streaming ──a read fails──▶ idle                            (its ERROR ends the stream)
 *   streaming ──DownloadCancel──▶ idle                          (DownloadCancelled)
 *   streaming ──the connection closes──▶ idle                   (the file is closed, nothing sent)
 * </pre>
 *
 * <p>Back-pressure: the next chunk is read from the disk, on the file's lane, only while the
 * channel is writable and no read is in flight; {@link #writable} starts reading again once the
 * device has taken enough of what was sent. So one connection holds at most one chunk being read
 * and the replies up to the high-water mark plus the chunk that crossed it, whatever the file's
 * size. Meanwhile the connection is read as usual, for a cancel; the {@link ReadGate} stops reading
 * while the replies wait, as for any reply. Runs on the connection's event loop only.
 */
final class DownloadSender {
    private static final Logger log = LoggerFactory.getLogger(DownloadSender.class);

    /** The size of every chunk but the last: the upload's, so both directions frame alike. */
    static final int CHUNK_SIZE = WireFormat.UPLOAD_CHUNK_SIZE;

    private final DeviceName device;
    private final Disconnector disconnector;
    /** The file being sent; null when idle. */
    private DataStore.Download download;
    private boolean reading;
    private boolean cancelled;
    private long sent;
    /** Run once the stream has ended, by any way but the connection closing. */
    private Runnable whenIdle = () -> { };

    DownloadSender(DeviceName device, Disconnector disconnector) {
        this.device = device;
        this.disconnector = disconnector;
    }

    /** True while a stream is being sent: only a cancel is expected from the device. */
    boolean active() {
        return download != null;
    }

    /** Sets what runs after each stream ends, such as serving a request that came meanwhile. */
    void whenIdle(Runnable action) {
        this.whenIdle = action;
    }

    /** The store's answer to the open, back on the event loop. */
    void opened(ChannelHandlerContext ctx, FileId fileId, DataStore.Download opened, Throwable error) {
        if (!ctx.channel().isActive()) {
            if (opened != null) {
                opened.close();
            }
        } else if (error != null) {
            disconnector.requestFailed(ctx, "DLD of file " + fileId + " for " + device, error);
        } else {
            download = opened;
            sent = 0;
            cancelled = false;
            ctx.writeAndFlush(new DownloadBegin(fileId, opened.size()));
            pump(ctx);
        }
    }

    /** The device asked to stop: the stream ends once the read in flight, if any, is back. */
    void cancel(ChannelHandlerContext ctx) {
        cancelled = true;
        if (!reading) {
            stopCancelled(ctx);
        }
    }

    /** The channel's writability changed: reads on if it can take more. */
    void writable(ChannelHandlerContext ctx) {
        pump(ctx);
    }

    /** The connection is gone: the file is closed, a read in flight dropped when it returns. */
    void closed() {
        if (download != null) {
            download.close();
            download = null;
        }
    }

    private void pump(ChannelHandlerContext ctx) {
        if (download == null || reading || !ctx.channel().isWritable() || Disconnector.isClosing(ctx.channel())) {
            // Read on once it can take more; never after the connection's last reply.
            return;
        }
        reading = true;
        DataStore.Download current = download;
        current.next(ctx.alloc(), CHUNK_SIZE).whenCompleteAsync((chunk, error) -> {
            assert ctx.executor().inEventLoop();
            reading = false;
            try {
                read(ctx, current, chunk, error);
            } catch (RuntimeException e) {
                ctx.fireExceptionCaught(e);
            }
        }, ctx.executor());
    }

    private void read(ChannelHandlerContext ctx, DataStore.Download current, ByteBuf chunk, Throwable error) {
        if (download != current) {
            // The connection closed meanwhile.
            if (chunk != null) {
                chunk.release();
            }
            return;
        }
        if (cancelled) {
            if (chunk != null) {
                chunk.release();
            }
            stopCancelled(ctx);
            return;
        }
        if (error != null) {
            end();
            disconnector.requestFailed(ctx, "DLD of file " + current.fileId() + " for " + device,
                    Disconnector.causeOf(error));
            whenIdle.run();
            return;
        }
        if (chunk == null) {
            end();
            ctx.writeAndFlush(new DownloadEnd(current.sha256()));
            log.info("Sent {} to {}: {} bytes", device.dataFileName(current.fileId()), device, sent);
            log.info("Return message: file {} downloaded ({} bytes)", current.fileId(), sent);
            whenIdle.run();
            return;
        }
        sent += chunk.readableBytes();
        ctx.writeAndFlush(new DownloadChunk(chunk));
        pump(ctx);
    }

    private void stopCancelled(ChannelHandlerContext ctx) {
        DataStore.Download current = download;
        end();
        log.info("{} cancelled the download of file {} after {} of {} bytes", device, current.fileId(), sent,
                current.size());
        ctx.writeAndFlush(new DownloadCancelled());
        whenIdle.run();
    }

    private void end() {
        download.close();
        download = null;
    }
}
