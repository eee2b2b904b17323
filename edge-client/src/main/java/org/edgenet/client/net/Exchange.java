package org.edgenet.client.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.message.Message;

import java.util.concurrent.CompletableFuture;

/**
 * One request and its reply. {@link ResponseHandler} runs exchanges one at a time on the event
 * loop: it calls {@link #start} when the connection is free and hands it every message that
 * arrives until the exchange settles.
 */
abstract class Exchange<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    private ResponseHandler owner;

    final void begin(ResponseHandler owner, ChannelHandlerContext ctx) {
        this.owner = owner;
        start(ctx);
    }

    /** Sends the request. */
    protected abstract void start(ChannelHandlerContext ctx);

    /**
     * Takes one message from the server while this exchange is current.
     *
     * @throws UnexpectedReplyException when the message does not answer this request
     */
    protected abstract void onReply(ChannelHandlerContext ctx, Message reply);

    /** The connection ended; frees whatever the exchange holds. */
    protected void abandon(Throwable cause) {
        result.completeExceptionally(cause);
    }

    /**
     * Writes a one-message request; once it is on the wire the server owes the reply. A failed
     * write closes the connection, whose end fails this exchange.
     */
    protected final void sendRequest(ChannelHandlerContext ctx, Message request) {
        ctx.writeAndFlush(request).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                requestSent();
            } else {
                f.channel().close();
            }
        });
    }

    /** The whole request is on the wire: from now on the server owes the reply. */
    protected final void requestSent() {
        owner.requestSent(this);
    }

    /**
     * The reply is arriving, or waits for this device rather than for the server: the server owes
     * nothing until the next {@link #requestSent()}.
     */
    protected final void replyArriving() {
        owner.replyArriving(this);
    }

    /** Frees the connection for the next request, then completes the future. */
    protected final void succeed(T value) {
        owner.settled(this);
        result.complete(value);
        owner.startNext();
    }

    protected final void fail(Throwable cause) {
        owner.settled(this);
        result.completeExceptionally(cause);
        owner.startNext();
    }

    /** The server answered with something this request cannot receive. */
    static final class UnexpectedReplyException extends RuntimeException {
        UnexpectedReplyException(String message) {
            super(message, null, false, false);
        }
    }
}
