package org.edgenet.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * One path of the operator's HTTP port, such as {@code /metrics} or the dashboard. The port's
 * router has already checked the method and the token when it calls {@link #handle}.
 */
public interface HttpEndpoint {
    /** The exact path this endpoint answers, e.g. {@code "/metrics"}. */
    String path();

    /**
     * Answers {@code request} on the event loop; anything that blocks goes to another thread and
     * the answer is written from there. The router releases {@code request} after this returns.
     */
    void handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
