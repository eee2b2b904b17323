package org.edgenet.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.server.LogCapture;
import org.edgenet.server.net.LogLimiter;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.StoredFile;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP pipeline's own limits, on embedded channels with frozen time. */
class HttpInitializerTest {
    private final LiveFeed feed = new LiveFeed(new LiveFeed.Sources() {
        private final RecentActivity activity = new RecentActivity(new MutableClock(Instant.EPOCH),
                ZoneOffset.UTC);

        @Override
        public List<ActiveDevice> joined() {
            return List.of();
        }

        @Override
        public RecentActivity activity() {
            return activity;
        }

        @Override
        public List<StoredFile> storedFiles(int max) {
            return List.of();
        }

        @Override
        public long commands() {
            return 0;
        }
    }, new MutableClock(Instant.EPOCH));

    /** The codec, the aggregator, the deadline and the router, as a connection has them. */
    private EmbeddedChannel connection() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        HttpRouter router = new HttpRouter(List.of(feed, new StaticResource("/uPlot-LICENSE.txt",
                "dashboard/uPlot-LICENSE.txt", HttpReplies.TEXT)), Optional.empty(),
                new LogLimiter(Ticker.systemTicker()));
        ch.pipeline().addLast(HttpInitializer.CODEC, new HttpServerCodec())
                .addLast(HttpInitializer.AGGREGATOR, new HttpObjectAggregator(HttpInitializer.MAX_BODY))
                .addLast(HttpInitializer.DEADLINE, new HttpInitializer.RequestDeadline(HttpInitializer.REQUEST_TIMEOUT))
                .addLast(HttpInitializer.ROUTER, router);
        return ch;
    }

    private static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder all = new StringBuilder();
        for (Object msg; (msg = ch.readOutbound()) != null; ) {
            all.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
            ReferenceCountUtil.release(msg);
        }
        return all.toString();
    }

    private static void wait(EmbeddedChannel ch, Duration d) {
        ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void aRequestThatTricklesInIsCutWhenItsTimeIsOver() {
        EmbeddedChannel ch = connection();
        try (LogCapture logs = new LogCapture(HttpRouter.class)) {
            send(ch, "GET /uPlot-LICENSE.txt HTTP/1.1\r\nHo");
            wait(ch, HttpInitializer.REQUEST_TIMEOUT.minusSeconds(1));
            send(ch, "st: 127.0.0.1\r\nX-A: b");
            assertTrue(ch.isOpen(), "still within its time");
            wait(ch, Duration.ofSeconds(1));
            assertFalse(ch.isOpen(), "a whole request must arrive within " + HttpInitializer.REQUEST_TIMEOUT);
            assertEquals("", written(ch), "no answer to a connection closed: nobody is left to read it");
            assertEquals(List.of(), logs.warnings(), "the server's own close is no misbehaving peer");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aKeptConnectionGetsTheSameTimeForEachRequestAfterTheLastAnswer() {
        EmbeddedChannel ch = connection();
        try {
            wait(ch, Duration.ofSeconds(9));
            send(ch, "GET /uPlot-LICENSE.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertTrue(written(ch).startsWith("HTTP/1.1 200 OK"));
            wait(ch, Duration.ofSeconds(9));
            assertTrue(ch.isOpen(), "the time started again with the answer");
            send(ch, "GET /uPlot-LICENSE.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertTrue(written(ch).startsWith("HTTP/1.1 200 OK"));
            wait(ch, HttpInitializer.REQUEST_TIMEOUT);
            assertFalse(ch.isOpen(), "no further request");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aLiveFeedIsNotCutByTheRequestDeadline() {
        EmbeddedChannel ch = connection();
        try {
            send(ch, "GET /events HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
            assertTrue(written(ch).startsWith("HTTP/1.1 200 OK"));
            wait(ch, Duration.ofMinutes(5));
            assertTrue(ch.isOpen());
            assertEquals(1, feed.viewers());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aRequestForAnotherHostNameIsRefusedWithoutAToken() {
        EmbeddedChannel ch = connection();
        try {
            send(ch, "GET /uPlot-LICENSE.txt HTTP/1.1\r\nHost: rebound.example:8080\r\n\r\n");
            String answer = written(ch);
            assertTrue(answer.startsWith("HTTP/1.1 403 Forbidden"), answer);
            assertTrue(answer.endsWith("Forbidden: without a token this port answers only requests addressed to"
                    + " localhost or an IP address\n"), answer);
            assertFalse(ch.isOpen());
        } finally {
            ch.finishAndReleaseAll();
        }
        for (String host : List.of("localhost", "127.0.0.1:8080", "[::1]:8080", "10.1.2.3")) {
            EmbeddedChannel ok = connection();
            try {
                send(ok, "GET /uPlot-LICENSE.txt HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                assertTrue(written(ok).startsWith("HTTP/1.1 200 OK"), host);
            } finally {
                ok.finishAndReleaseAll();
            }
        }
    }

    @Test
    void anAddressThatCannotBeDecodedIs400() {
        EmbeddedChannel ch = connection();
        try {
            send(ch, "GET /%zz?x=%G1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            String answer = written(ch);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request"), answer);
            assertTrue(answer.endsWith("Bad request: the address could not be read\n"), answer);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnce() {
        HttpInitializer.ConnectionCap cap = new HttpInitializer.ConnectionCap(2, new LogLimiter(Ticker.systemTicker()));
        EmbeddedChannel a = new EmbeddedChannel(cap);
        EmbeddedChannel b = new EmbeddedChannel(cap);
        EmbeddedChannel c = new EmbeddedChannel(cap);
        try {
            assertTrue(a.isOpen() && b.isOpen());
            assertFalse(c.isOpen(), "the third");
            assertEquals(2, cap.open());
            a.close();
            EmbeddedChannel d = new EmbeddedChannel(cap);
            assertTrue(d.isOpen(), "a place came free");
            d.finishAndReleaseAll();
        } finally {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
            c.finishAndReleaseAll();
        }
    }
}
