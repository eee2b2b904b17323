package org.edgenet.server.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Ticker;
import org.edgenet.server.net.LogLimiter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page and its files, served from the jar. */
class DashboardPageTest {
    private static final String TOKEN = "tok+en/with&marks=0123";

    private static FullHttpResponse get(Optional<String> token, String uri) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRouter(DashboardPage.endpoints(token), token,
                new LogLimiter(Ticker.systemTicker())));
        try {
            ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
            return ch.readOutbound();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static String body(FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void thePageLoadsOnlyFilesOfThisOriginAndForbidsEverythingElse() {
        FullHttpResponse r = get(Optional.empty(), "/");
        assertEquals(200, r.status().code());
        assertEquals("text/html; charset=utf-8", r.headers().get("Content-Type"));
        assertEquals(DashboardPage.POLICY, r.headers().get("Content-Security-Policy"));
        String page = body(r);
        assertTrue(page.contains("<script src=\"uPlot.iife.min.js\"></script>"), page);
        assertFalse(page.contains("{{") || page.contains("http"), "no template marks, no other origin: " + page);
    }

    @Test
    void aPageOpenedWithTheTokenPassesItToItsFilesEncoded() {
        String page = body(get(Optional.of(TOKEN), "/?token=tok%2Ben%2Fwith%26marks%3D0123"));
        assertTrue(page.contains("<script src=\"dashboard.js?token=tok%2Ben%2Fwith%26marks%3D0123\"></script>"), page);
        assertFalse(page.contains(TOKEN), "never as it is, where & would start an entity");
    }

    @Test
    void uPlotAndItsLicenceComeFromTheJar() {
        String script = body(get(Optional.empty(), "/uPlot.iife.min.js"));
        assertTrue(script.startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */"), script.substring(0, 80));
        assertTrue(body(get(Optional.empty(), "/uPlot-LICENSE.txt")).contains("Leon Sorokin"));
        FullHttpResponse css = get(Optional.empty(), "/uPlot.min.css");
        assertEquals("text/css; charset=utf-8", css.headers().get("Content-Type"));
        assertTrue(body(css).contains(".uplot"));
    }
}
