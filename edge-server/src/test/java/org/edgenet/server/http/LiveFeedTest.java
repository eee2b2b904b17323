package org.edgenet.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.server.cluster.MemberShare;
import org.edgenet.server.net.LogLimiter;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.ComputeStats;
import org.edgenet.server.service.StoredFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live feed on embedded channels, ticked by hand with a clock moved by hand. */
class LiveFeedTest {
    private static final Instant START = Instant.parse("2026-11-30T08:00:00Z");

    private final MutableClock clock = new MutableClock(START, ZoneOffset.UTC);
    private final FakeSources sources = new FakeSources();
    private final LiveFeed feed = new LiveFeed(sources, clock);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    /** What the feed shows, set by each test. */
    private final class FakeSources implements LiveFeed.Sources {
        volatile List<ActiveDevice> joined = List.of();
        final RecentActivity activity = new RecentActivity(clock, ZoneOffset.UTC);
        volatile List<StoredFile> files = List.of();
        volatile long commands;
        volatile List<MemberShare> members = List.of();
        final AtomicInteger scans = new AtomicInteger();

        @Override
        public List<MemberShare> members() {
            return members;
        }

        @Override
        public List<ActiveDevice> joined() {
            return joined;
        }

        @Override
        public RecentActivity activity() {
            return activity;
        }

        @Override
        public List<StoredFile> storedFiles(int max) throws IOException {
            scans.incrementAndGet();
            return files;
        }

        @Override
        public long commands() {
            return commands;
        }
    }

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** A connection that asked for the feed; its response head has been taken off. */
    private EmbeddedChannel viewer() {
        EmbeddedChannel ch = request(HttpMethod.GET);
        HttpResponse head = ch.readOutbound();
        assertEquals(200, head.status().code());
        assertEquals("text/event-stream; charset=utf-8", head.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertTrue(HttpUtil.isTransferEncodingChunked(head), "chunked: the feed has no end");
        assertEquals("retry: 2000\n\n", text(ch.readOutbound()));
        return ch;
    }

    private EmbeddedChannel request(HttpMethod method) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRouter(List.of(feed), Optional.empty(),
                new LogLimiter(Ticker.systemTicker())));
        channels.add(ch);
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/events"));
        return ch;
    }

    private static String text(Object msg) {
        try {
            ByteBuf content = msg instanceof HttpContent c ? c.content() : (ByteBuf) msg;
            return content.toString(StandardCharsets.UTF_8);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Everything the feed wrote to {@code ch} since last read. */
    private static String written(EmbeddedChannel ch) {
        StringBuilder all = new StringBuilder();
        for (Object msg; (msg = ch.readOutbound()) != null; ) {
            all.append(text(msg));
        }
        return all.toString();
    }

    private void second() {
        clock.advance(Duration.ofSeconds(1));
        feed.tick();
    }

    private static ActiveDevice device(String name, int udp) {
        return new ActiveDevice(DeviceName.of(name), "10.0.0." + udp % 250, udp, "30 November 2026 08:00:00");
    }

    @Test
    void aNewViewerGetsOneSnapshotWithEverythingAndNoPasswords() {
        sources.joined = List.of(device("watch", 5001), device("fridge", 5002));
        sources.files = List.of(new StoredFile(DeviceName.of("watch"), FileId.of(3), 12,
                Optional.of(new ComputeStats(3, BigInteger.valueOf(10), 1, 6, 12))));
        sources.activity.uploaded(DeviceName.of("watch"), FileId.of(3), 3);
        feed.tick();
        EmbeddedChannel ch = viewer();
        second();
        String sent = written(ch);
        assertTrue(sent.startsWith("event: snapshot\ndata: {\"tick\":{\"t\":" + (START.getEpochSecond() + 1)
                + ",\"cps\":0.0,\"joined\":2},\"history\":[["), sent);
        assertTrue(sent.contains("{\"name\":\"watch\",\"address\":\"10.0.0.1\",\"udp\":5001,"
                + "\"since\":\"30 November 2026 08:00:00\"}"), sent);
        assertTrue(sent.contains("\"uploads\":[{\"device\":\"watch\",\"file\":3,\"samples\":3,"), sent);
        assertTrue(sent.contains("{\"device\":\"watch\",\"file\":3,\"bytes\":12,\"samples\":3,\"sum\":\"10\","
                + "\"min\":1,\"max\":6,\"average\":\"3.333333\"}"), sent);
        assertTrue(sent.endsWith("}\n\n") && sent.indexOf("event:") == sent.lastIndexOf("event:"),
                "one event: " + sent);
        assertFalse(sent.toLowerCase().contains("password") || sent.toLowerCase().contains("tempid"), sent);
    }

    @Test
    void afterTheSnapshotEachSecondIsATickWithTheRateFromTheCommandCount() {
        EmbeddedChannel ch = viewer();
        feed.tick();
        written(ch);
        sources.commands = 50;
        clock.advance(Duration.ofSeconds(2));
        feed.tick();
        assertEquals("event: tick\ndata: {\"t\":" + (START.getEpochSecond() + 2) + ",\"cps\":25.0,\"joined\":0}\n\n",
                written(ch), "50 commands in 2 s, nothing else changed");
        second();
        assertEquals("event: tick\ndata: {\"t\":" + (START.getEpochSecond() + 3) + ",\"cps\":0.0,\"joined\":0}\n\n",
                written(ch));
    }

    @Test
    void aChangeIsSentOnceAsAStateWithOnlyWhatChanged() {
        EmbeddedChannel ch = viewer();
        feed.tick();
        written(ch);
        sources.joined = List.of(device("watch", 5001));
        second();
        String sent = written(ch);
        assertTrue(sent.contains("event: state\ndata: {\"devices\":{\"total\":1,\"list\":[{\"name\":\"watch\""), sent);
        assertFalse(sent.contains("\"uploads\"") || sent.contains("\"files\""), sent);

        sources.activity.deleted(DeviceName.of("watch"), FileId.of(7), 4);
        second();
        sent = written(ch);
        assertTrue(sent.contains("\"deletions\":[{\"device\":\"watch\",\"file\":7,\"samples\":4,"), sent);
        assertFalse(sent.contains("\"devices\""), sent);

        second();
        assertFalse(written(ch).contains("event: state"), "nothing changed");
    }

    @Test
    void theClusterMembersAreInTheSnapshotAndSentAgainOnlyWhenTheirSharesChange() {
        sources.members = List.of(new MemberShare("127.0.0.1:5701", true, 2),
                new MemberShare("127.0.0.1:5702", false, 1));
        EmbeddedChannel ch = viewer();
        feed.tick();
        String snapshot = written(ch);
        assertTrue(snapshot.contains("\"members\":[{\"address\":\"127.0.0.1:5701\",\"here\":true,\"devices\":2},"
                + "{\"address\":\"127.0.0.1:5702\",\"here\":false,\"devices\":1}]"), snapshot);

        second();
        assertFalse(written(ch).contains("members"), "the same shares are not sent again");

        sources.members = List.of(new MemberShare("127.0.0.1:5701", true, 3));
        second();
        String sent = written(ch);
        assertTrue(sent.contains("event: state\ndata: {\"members\":[{\"address\":\"127.0.0.1:5701\",\"here\":true,"
                + "\"devices\":3}]}"), sent);
    }

    @Test
    void aServerThatRunsAloneSendsAnEmptyListOfMembers() {
        EmbeddedChannel ch = viewer();
        feed.tick();
        String snapshot = written(ch);
        assertTrue(snapshot.contains("\"members\":[]"), snapshot);
    }

    @Test
    void theDataDirectoryIsReadAtMostOnceASecondAfterAChangeAndOtherwiseEveryThirtySeconds() {
        viewer();
        feed.tick();
        assertEquals(1, sources.scans.get(), "read for the first viewer");
        second();
        assertEquals(1, sources.scans.get(), "nothing changed");
        sources.activity.uploaded(DeviceName.of("watch"), FileId.of(1), 1);
        second();
        assertEquals(2, sources.scans.get(), "an upload was noted");
        for (int i = 0; i < 29; i++) {
            second();
        }
        assertEquals(2, sources.scans.get());
        second();
        assertEquals(3, sources.scans.get(), "30 s went by");
    }

    @Test
    void nothingIsReadOrBuiltWithoutViewers() {
        sources.joined = List.of(device("watch", 5001));
        feed.tick();
        second();
        assertEquals(0, sources.scans.get());
    }

    @Test
    void aViewerThatDoesNotKeepUpIsDroppedNotBufferedFor() {
        EmbeddedChannel slow = viewer();
        EmbeddedChannel fast = viewer();
        feed.tick();
        written(slow);
        written(fast);
        slow.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        second();
        assertFalse(slow.isOpen(), "dropped");
        assertNull(slow.readOutbound(), "nothing more was queued for it");
        assertTrue(written(fast).startsWith("event: tick"), "the others go on");
        assertEquals(1, feed.viewers());
    }

    @Test
    void viewersBeyondTheCapAreToldSoAndOneMayComeWhenAnotherLeaves() {
        List<EmbeddedChannel> served = new ArrayList<>();
        for (int i = 0; i < LiveFeed.MAX_VIEWERS; i++) {
            served.add(viewer());
        }
        EmbeddedChannel extra = request(HttpMethod.GET);
        FullHttpResponse refused = extra.readOutbound();
        assertEquals(503, refused.status().code());
        assertEquals("Too many dashboard viewers: at most 8 at once\n", text(refused));
        assertFalse(extra.isOpen(), "closed after the answer");

        served.get(0).close();
        viewer();
        assertEquals(LiveFeed.MAX_VIEWERS, feed.viewers());
    }

    @Test
    void anythingAViewerSendsAfterTheRequestIsDropped() {
        EmbeddedChannel ch = viewer();
        assertNull(ch.pipeline().get(HttpRouter.class), "the router left the feed's connection");
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/events"));
        assertNull(ch.readOutbound(), "no second answer inside the stream");
        assertEquals(1, feed.viewers());
    }

    @Test
    void headAsksForNoFeed() {
        EmbeddedChannel ch = request(HttpMethod.HEAD);
        FullHttpResponse r = ch.readOutbound();
        assertEquals(200, r.status().code());
        assertEquals(0, r.content().readableBytes());
        r.release();
        assertEquals(0, feed.viewers());
    }

    @Test
    void theChartsKeepFiveMinutesOfHistory() {
        for (int i = 0; i < LiveFeed.HISTORY + 20; i++) {
            second();
        }
        EmbeddedChannel ch = viewer();
        second();
        String sent = written(ch);
        int points = sent.split("\\[" + "\\d{10},").length - 1;
        assertEquals(LiveFeed.HISTORY, points, sent.substring(0, 200));
    }

    @Test
    void jsonEscapesWhatCouldEndAStringOrOpenATag() {
        String json = new Json().beginObject().name("s").value("a\"b\\c</script>&\n\u2028\u0001").endObject()
                .toString();
        assertEquals("{\"s\":\"a\\\"b\\\\c\\u003c/script\\u003e\\u0026\\n\\u2028\\u0001\"}", json);
    }
}
