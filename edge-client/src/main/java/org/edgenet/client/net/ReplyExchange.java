package org.edgenet.client.net;

import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Message;

import java.util.function.Function;

/** A request answered by exactly one message of a known type, or by an {@link ErrorReply}. */
final class ReplyExchange<R extends Message, T> extends Exchange<T> {
    private final Message request;
    private final Class<R> replyType;
    private final Function<R, T> result;

    ReplyExchange(Message request, Class<R> replyType, Function<R, T> result) {
        this.request = request;
        this.replyType = replyType;
        this.result = result;
    }

    @Override
    protected void start(ChannelHandlerContext ctx) {
        sendRequest(ctx, request);
    }

    @Override
    protected void onReply(ChannelHandlerContext ctx, Message reply) {
        if (replyType.isInstance(reply)) {
            succeed(result.apply(replyType.cast(reply)));
        } else if (reply instanceof ErrorReply error) {
            fail(new ServerError(error.code(), error.message()));
        } else {
            throw new UnexpectedReplyException(reply.type() + " in answer to " + request.type());
        }
    }
}
