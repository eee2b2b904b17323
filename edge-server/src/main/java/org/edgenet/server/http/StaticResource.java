package org.edgenet.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A file from the server's jar, read once at start and served from memory. */
public final class StaticResource implements HttpEndpoint {
    private final String path;
    private final String contentType;
    private final byte[] body;

    /** {@code resource} is relative to this package, e.g. {@code dashboard/uPlot.min.css}. */
    public StaticResource(String path, String resource, String contentType) {
        this.path = path;
        this.contentType = contentType;
        this.body = read(resource);
    }

    static byte[] read(String resource) {
        try (InputStream in = StaticResource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpReplies.send(ctx, request, HttpResponseStatus.OK, contentType, body);
    }
}
