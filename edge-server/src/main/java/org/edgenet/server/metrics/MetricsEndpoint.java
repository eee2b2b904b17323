package org.edgenet.server.metrics;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.edgenet.server.http.HttpEndpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * {@code GET /metrics}: the Prometheus scrape of the server's {@link ServerMetrics}, in the text
 * format 0.0.4. A scrape reads every meter and the JVM's figures, a few milliseconds of an event
 * loop; it is made at most once per {@link #FRESH} and the same bytes are served meanwhile, so
 * however often the path is asked, it costs the server one scrape a second.
 */
public final class MetricsEndpoint implements HttpEndpoint {
    public static final String PATH = "/metrics";
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** How long a scrape is served again: well below any Prometheus scrape interval. */
    static final Duration FRESH = Duration.ofSeconds(1);

    private final ServerMetrics metrics;
    // Guarded by this: the port's event loops may ask at once.
    private byte[] last;
    private long lastAt;

    public MetricsEndpoint(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        byte[] body = scrape(ctx.executor().ticker().nanoTime());
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The scrape made within {@link #FRESH} of {@code now}, or a new one. */
    private synchronized byte[] scrape(long now) {
        long age = now - lastAt;
        // A negative age is a ticker that does not share the last one's origin: scrape afresh.
        if (last == null || age < 0 || age >= FRESH.toNanos()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
            try {
                metrics.scrape(out);
            } catch (IOException e) {
                // Only the stream could fail, and this one does not.
                throw new UncheckedIOException(e);
            }
            last = out.toByteArray();
            lastAt = now;
        }
        return last;
    }
}
