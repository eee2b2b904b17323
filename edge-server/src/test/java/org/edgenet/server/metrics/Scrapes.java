package org.edgenet.server.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asking an endpoint over HTTP bytes, and reading figures out of a Prometheus text scrape. */
public final class Scrapes {
    private Scrapes() {
    }

    /** The codec and aggregator the HTTP port puts in front of its router, and a router of one endpoint. */
    public static EmbeddedChannel channel(MetricsEndpoint endpoint) {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        endpoint.handle(ctx, request);
                    }
                });
    }

    /** Writes {@code request} (the bytes a client sends) and returns the whole response as text. */
    public static String ask(EmbeddedChannel ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        StringBuilder response = new StringBuilder();
        for (Object out; (out = ch.readOutbound()) != null; ) {
            response.append(((ByteBuf) out).toString(StandardCharsets.UTF_8));
            ReferenceCountUtil.release(out);
        }
        return response.toString();
    }

    /** The value of the sample {@code name} (with its labels, as printed); NaN when there is none. */
    public static double value(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
