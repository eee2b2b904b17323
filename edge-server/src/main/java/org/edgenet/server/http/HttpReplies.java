package org.edgenet.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * How every answer of the HTTP port is written: the same safety headers on each, no body for
 * HEAD (with the length GET would have), and the connection kept only when the client asked.
 */
public final class HttpReplies {
    public static final String TEXT = "text/plain; charset=utf-8";

    private HttpReplies() {
    }

    /** Writes {@code body} as the whole answer to {@code request}. */
    public static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                            String contentType, byte[] body) {
        write(ctx, request, response(request, status, contentType, body));
    }

    /** The answer {@link #send} would write, for a caller that adds headers of its own. */
    public static FullHttpResponse response(HttpRequest request, HttpResponseStatus status, String contentType,
                                            byte[] body) {
        boolean head = HttpMethod.HEAD.equals(request.method());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        secure(response);
        return response;
    }

    /**
     * Writes {@code response}; the connection stays open only when the client asked for that and
     * the request was not refused.
     */
    public static void write(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request) && response.status().code() < 400;
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A one-line plain-text answer, such as a refusal. */
    public static void sendText(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                                String line) {
        send(ctx, request, status, TEXT, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Headers every answer carries: nothing is sniffed into another type, framed by another site or
     * told where it came from (a {@code ?token=} must not travel in a Referer).
     */
    public static void secure(HttpResponse response) {
        response.headers().set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set("Referrer-Policy", "no-referrer")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    }
}
