package org.edgenet.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.NetUtil;
import org.edgenet.server.net.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends each request of the HTTP port to the {@link HttpEndpoint} of its path, after the checks
 * every path shares: a request the codec could not read gets 400, a method other than GET or HEAD
 * 405, a missing or wrong token (when one is set) 401, and an unknown path 404. The token is
 * checked before the path, so that a stranger learns nothing about which paths exist.
 */
@ChannelHandler.Sharable
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    static final LogLimiter.Kind REFUSED = new LogLimiter.Kind("HTTP request refused", log, Level.WARN);

    private final Map<String, HttpEndpoint> endpoints = new HashMap<>();
    private final Optional<byte[]> token;
    private final LogLimiter logLimiter;

    /** @throws IllegalArgumentException when two endpoints claim the same path */
    public HttpRouter(List<HttpEndpoint> endpoints, Optional<String> token, LogLimiter logLimiter) {
        for (HttpEndpoint e : endpoints) {
            if (this.endpoints.putIfAbsent(e.path(), e) != null) {
                throw new IllegalArgumentException("two HTTP endpoints for " + e.path());
            }
        }
        this.token = token.map(t -> t.getBytes(StandardCharsets.US_ASCII));
        this.logLimiter = logLimiter;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!ctx.channel().isActive()) {
            // What the codec gives up on when a connection closes mid-request: nobody is left to answer.
            return;
        }
        if (!request.decoderResult().isSuccess()) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "Bad request: it could not be read as HTTP/1.1",
                    "could not be read");
            return;
        }
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            HttpReplies.sendText(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "Method not allowed: this port is read-only (GET and HEAD)");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path;
        try {
            path = uri.path();
            uri.parameters();
        } catch (IllegalArgumentException e) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "Bad request: the address could not be read",
                    "a malformed address");
            return;
        }
        if (token.isEmpty() && !addressedToThisMachine(request)) {
            refuse(ctx, request, HttpResponseStatus.FORBIDDEN, "Forbidden: without a token this port answers only"
                    + " requests addressed to localhost or an IP address", "addressed to another host name");
            return;
        }
        if (!authorized(request, uri)) {
            refuse(ctx, request, HttpResponseStatus.UNAUTHORIZED,
                    "Unauthorized: send the token as 'Authorization: Bearer TOKEN' or ?token=TOKEN",
                    "without the right token");
            return;
        }
        HttpEndpoint endpoint = endpoints.get(path);
        if (endpoint == null) {
            HttpReplies.sendText(ctx, request, HttpResponseStatus.NOT_FOUND, "Not found: "
                    + path.replaceAll("[^\\x21-\\x7e]", "?"));
            return;
        }
        endpoint.handle(ctx, request);
    }

    /**
     * True when the request's Host is {@code localhost} or an IP address. Without a token, this is
     * what keeps another web site from reading the dashboard through the operator's own browser: a
     * name of its own that it points at 127.0.0.1 (DNS rebinding) shows in the Host header.
     */
    static boolean addressedToThisMachine(FullHttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            // HTTP/1.0 without a Host: not a browser following a name.
            return true;
        }
        String name = host.trim();
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end > 0 && NetUtil.isValidIpV6Address(name.substring(1, end));
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        return "localhost".equalsIgnoreCase(name) || NetUtil.isValidIpV4Address(name);
    }

    /** True when no token is set, or the request presents it in its header or its query. */
    boolean authorized(FullHttpRequest request, QueryStringDecoder uri) {
        if (token.isEmpty()) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(header.substring(7).trim())) {
            return true;
        }
        List<String> query = uri.parameters().get("token");
        return query != null && query.size() == 1 && matches(query.get(0));
    }

    /** Compared in constant time, so that timing tells nothing of how much of a guess was right. */
    private boolean matches(String presented) {
        return MessageDigest.isEqual(token.orElseThrow(), presented.getBytes(StandardCharsets.UTF_8));
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String text,
                        String why) {
        String ip = ip(ctx);
        if (logLimiter.admit(REFUSED, ip)) {
            log.warn("Refused an HTTP request from {}: {}", ip, why);
        }
        FullHttpResponse response = HttpReplies.response(request, status, HttpReplies.TEXT,
                (text + "\n").getBytes(StandardCharsets.UTF_8));
        if (status == HttpResponseStatus.UNAUTHORIZED) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        HttpReplies.write(ctx, request, response);
    }

    static String ip(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /** Replies queued for a client that does not read stop its reading, so no request makes unbounded work. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("HTTP client {} went away: {}", ip(ctx), cause.toString());
        } else if (logLimiter.admit(REFUSED, ip(ctx))) {
            log.warn("Closed the HTTP connection of {}: {}", ip(ctx), cause.toString());
        }
        ctx.close();
    }
}
