package org.edgenet.client.net;

import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Download;
import org.edgenet.common.message.DownloadBegin;
import org.edgenet.common.message.DownloadCancel;
import org.edgenet.common.message.DownloadCancelled;
import org.edgenet.common.message.DownloadChunk;
import org.edgenet.common.message.DownloadEnd;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Message;
import org.edgenet.common.wire.ReadingEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * DLD: asks for a stored file and writes the stream that answers into a {@link DownloadFile}.
 *
 * <pre>
 *   asked ──DownloadBegin──▶ receiving ──DownloadEnd──▶ finishing ──checked, in place──▶ done
 *   asked ──ERROR──▶ failed                          (nothing was created)
 *   receiving ──ERROR──▶ failed                      (the server could not read on; temp deleted)
 *   receiving ──the disk fails──▶ cancelling         (DownloadCancel sent; chunks dropped)
 *   cancelling ──DownloadCancelled | DownloadEnd | ERROR──▶ failed   (the stream is over)
 *   any ──the connection closes──▶ failed            (temp deleted before the future fails)
 * </pre>
 *
 * <p>Back-pressure: the disk writer's backlog is bounded by reading. Above {@link #PAUSE_BYTES}
 * waiting for the disk the socket is no longer read, so TCP holds the server back, whose own
 * reading from its disk stops with its channel's writability; below {@link #RESUME_BYTES} it is
 * read again. A socket read already under way when reading stops adds at most one read's worth.
 * The frame decoder is told, so the pause does not count as the server's silence, and so is the
 * console's reply timer: while this device is the slow one, the server owes nothing.
 *
 * <p>Everything here runs on the event loop but the {@link DownloadFile.Listener} calls, which
 * come from the writer thread and hop over.
 */
final class DownloadExchange extends Exchange<Downloaded> {
    private static final Logger log = LoggerFactory.getLogger(DownloadExchange.class);

    static final long PAUSE_BYTES = 1024 * 1024;
    static final long RESUME_BYTES = 256 * 1024;

    private enum State { ASKED, RECEIVING, CANCELLING, FINISHING }

    private final FileId fileId;
    private final Path target;
    private final DownloadProgress progress;
    private final DownloadFile.Disk disk;
    private State state = State.ASKED;
    private ChannelHandlerContext ctx;
    private DownloadFile file;
    private long size;
    private long received;
    /** Written on the event loop; read by the writer too, so that it hops over only when it matters. */
    private volatile boolean paused;
    /** Why this device stopped the download, once it has. */
    private String localFailure;

    DownloadExchange(FileId fileId, Path target, DownloadProgress progress, DownloadFile.Disk disk) {
        this.fileId = fileId;
        this.target = target;
        this.progress = progress;
        this.disk = disk;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        sendRequest(ctx, new Download(fileId));
    }

    @Override
    protected void onReply(ChannelHandlerContext ctx, Message reply) {
        switch (state) {
            case ASKED -> {
                if (reply instanceof DownloadBegin begin && begin.fileId().equals(fileId)) {
                    begin(begin.size());
                } else if (reply instanceof ErrorReply error) {
                    fail(new ServerError(error.code(), error.message()));
                } else {
                    throw unexpected(reply);
                }
            }
            case RECEIVING -> {
                if (reply instanceof DownloadChunk chunk) {
                    chunk(chunk);
                } else if (reply instanceof DownloadEnd end) {
                    end(end);
                } else if (reply instanceof ErrorReply error) {
                    // The server could not read its file on; the stream is over.
                    abortThenFail(new ServerError(error.code(), error.message()));
                } else {
                    throw unexpected(reply);
                }
            }
            case CANCELLING -> {
                if (reply instanceof DownloadChunk) {
                    // Sent before the server read the cancel: dropped (the handler releases it).
                    requestSent();
                } else if (reply instanceof DownloadCancelled || reply instanceof DownloadEnd
                        || reply instanceof ErrorReply) {
                    abortThenFail(new DownloadFailedException(localFailure));
                } else {
                    throw unexpected(reply);
                }
            }
            case FINISHING -> throw unexpected(reply);
            default -> throw new IllegalStateException(state.toString());
        }
    }

    private UnexpectedReplyException unexpected(Message reply) {
        return new UnexpectedReplyException(reply.type() + " during a download (" + state + ")");
    }

    private void begin(long announced) {
        size = announced;
        state = State.RECEIVING;
        log.info("Downloading file {} ({} bytes) to {}", fileId, size, target);
        file = new DownloadFile(target, size, disk, new DownloadFile.Listener() {
            @Override
            public void written(long bytes) {
                try {
                    progress.written(bytes, size);
                } catch (RuntimeException e) {
                    log.warn("Showing the progress of file {} failed", fileId, e);
                }
                if (paused && file.backlog() <= RESUME_BYTES) {
                    ctx.executor().execute(DownloadExchange.this::resumeIfDrained);
                }
            }

            @Override
            public void failed(String reason) {
                ctx.executor().execute(() -> cancel(reason));
            }
        });
        requestSent();
    }

    private void chunk(DownloadChunk chunk) {
        int n = chunk.content().readableBytes();
        if (received + n > size) {
            throw new UnexpectedReplyException("more than the " + size + " bytes announced for file " + fileId);
        }
        received += n;
        // The handler releases the message; the writer owns this reference.
        file.write(chunk.content().retain());
        requestSent();
        if (!paused && file.backlog() >= PAUSE_BYTES) {
            paused = true;
            ctx.pipeline().fireUserEventTriggered(ReadingEvent.PAUSED);
            ctx.channel().config().setAutoRead(false);
            replyArriving();
            // The writer may have drained before it could see the pause: then nobody else resumes.
            resumeIfDrained();
        }
    }

    private void resumeIfDrained() {
        if (paused && (state != State.RECEIVING || file.backlog() <= RESUME_BYTES)) {
            paused = false;
            ctx.pipeline().fireUserEventTriggered(ReadingEvent.RESUMED);
            ctx.channel().config().setAutoRead(true);
            if (state == State.RECEIVING || state == State.CANCELLING) {
                requestSent();
            }
        }
    }

    private void end(DownloadEnd end) {
        if (received != size) {
            throw new UnexpectedReplyException("the end after " + received + " of " + size + " bytes of file " + fileId);
        }
        state = State.FINISHING;
        resumeIfDrained();
        // Checking and renaming may take a while for a large file; the server owes nothing meanwhile.
        replyArriving();
        file.finish(end.sha256()).whenCompleteAsync((replaced, error) -> {
            if (error == null) {
                log.info("Downloaded file {} to {}: {} bytes, SHA-256 checked", fileId, target, size);
                succeed(new Downloaded(fileId, target, size, replaced));
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                log.info("Download of file {} failed: {}", fileId, cause.getMessage());
                fail(cause);
            }
        }, ctx.executor());
    }

    /** This device cannot store the file: stop the server, drop what still comes, then fail. */
    private void cancel(String reason) {
        if (state != State.RECEIVING) {
            // Finishing reports the failure itself; after a failure nothing is left to stop.
            return;
        }
        localFailure = reason;
        state = State.CANCELLING;
        log.info("Cancelling the download of file {}: {}", fileId, reason);
        ctx.writeAndFlush(new DownloadCancel());
        resumeIfDrained();
    }

    private void abortThenFail(Throwable cause) {
        state = State.FINISHING;
        resumeIfDrained();
        file.abort().whenCompleteAsync((v, e) -> fail(cause), ctx.executor());
    }

    @Override
    protected void abandon(Throwable cause) {
        if (file == null || state == State.FINISHING) {
            // Nothing on the disk yet, or the file's own end settles the future.
            if (file == null) {
                super.abandon(cause);
            }
            return;
        }
        file.abort().whenComplete((v, e) -> super.abandon(cause));
    }
}
