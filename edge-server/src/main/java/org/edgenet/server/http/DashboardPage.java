package org.edgenet.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's page at {@code /}. When the port asks for a token and the page was opened with
 * {@code ?token=}, its links to the scripts and styles carry the token too, so a browser needs
 * nothing but the one address. The page holds no data: its script fills it from the
 * {@link LiveFeed}, with text nodes only.
 */
public final class DashboardPage implements HttpEndpoint {
    static final String TEMPLATE = "dashboard/index.html";
    /** Where the page's links take their query. */
    private static final String QUERY = "{{query}}";
    /**
     * Only this origin's scripts, styles and feed; uPlot sets inline styles from its script, which
     * a style attribute rule would otherwise stop.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final String template;
    private final Optional<String> token;

    public DashboardPage(Optional<String> token) {
        this.template = new String(StaticResource.read(TEMPLATE), StandardCharsets.UTF_8);
        this.token = token;
    }

    /** The page and the files it loads, each from the jar. */
    public static List<HttpEndpoint> endpoints(Optional<String> token) {
        return List.of(new DashboardPage(token),
                new StaticResource("/dashboard.js", "dashboard/dashboard.js", "text/javascript; charset=utf-8"),
                new StaticResource("/dashboard.css", "dashboard/dashboard.css", "text/css; charset=utf-8"),
                new StaticResource("/uPlot.iife.min.js", "dashboard/uPlot.iife.min.js",
                        "text/javascript; charset=utf-8"),
                new StaticResource("/uPlot.min.css", "dashboard/uPlot.min.css", "text/css; charset=utf-8"),
                new StaticResource("/uPlot-LICENSE.txt", "dashboard/uPlot-LICENSE.txt", HttpReplies.TEXT));
    }

    @Override
    public String path() {
        return "/";
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        // The router has checked the token: one given in the query is the right one.
        List<String> given = new QueryStringDecoder(request.uri()).parameters().get("token");
        String query = token.isPresent() && given != null
                ? "?token=" + URLEncoder.encode(token.get(), StandardCharsets.UTF_8) : "";
        byte[] body = template.replace(QUERY, query).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = HttpReplies.response(request, HttpResponseStatus.OK, "text/html; charset=utf-8",
                body);
        response.headers().set("Content-Security-Policy", POLICY);
        HttpReplies.write(ctx, request, response);
    }
}
