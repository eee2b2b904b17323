package org.edgenet.client.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.Uploaded;

/**
 * UED: streams a file and waits for the verdict. The exchange settles only when both the stream
 * has been written and the verdict is known, so the next request never overtakes an
 * {@code UploadAbort}. A refusal that arrives while chunks are still going stops the stream.
 */
final class UploadExchange extends Exchange<Uploaded> {
    private final UploadStream stream;
    private boolean streamWritten;
    private Uploaded uploaded;
    private ServerError refusal;

    UploadExchange(UploadStream stream) {
        this.stream = stream;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(stream).addListener(f -> {
            if (!f.isSuccess()) {
                // Connection trouble: channelInactive fails this exchange.
                ctx.close();
                return;
            }
            streamWritten = true;
            requestSent();
            settleIfDone();
        });
    }

    @Override
    protected void onReply(ChannelHandlerContext ctx, Message reply) {
        if (reply instanceof Uploaded u && stream.endSent() && uploaded == null && refusal == null) {
            uploaded = u;
        } else if (reply instanceof ErrorReply error && uploaded == null && refusal == null) {
            refusal = new ServerError(error.code(), error.message());
            if (!stream.finished()) {
                stream.abort("the server refused the upload");
                ChunkedWriteHandler chunks = ctx.pipeline().get(ChunkedWriteHandler.class);
                if (chunks != null) {
                    chunks.resumeTransfer();
                }
            }
        } else {
            throw new UnexpectedReplyException(reply.type() + " during an upload");
        }
        settleIfDone();
    }

    private void settleIfDone() {
        if (!streamWritten) {
            return;
        }
        if (refusal != null) {
            fail(refusal);
        } else if (stream.readFailure() != null) {
            // The stream ended with UploadAbort, which the server does not answer.
            fail(stream.readFailure());
        } else if (uploaded != null) {
            succeed(uploaded);
        }
    }

    @Override
    protected void abandon(Throwable cause) {
        try {
            stream.close();
        } catch (Exception ignored) {
            // Closing a file we only read cannot lose data.
        }
        super.abandon(cause);
    }
}
