package org.edgenet.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.edgenet.common.message.Operation;
import org.edgenet.server.cluster.MemberShare;
import org.edgenet.server.net.DiscardInbound;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.ComputeStats;
import org.edgenet.server.service.StoredFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dashboard's live feed at {@value #PATH}: Server-Sent Events, one write per second per
 * viewer. A viewer first gets a {@code snapshot} (everything, with the charts' history), then every
 * second a {@code tick} (time, commands per second, joined devices) followed, when something
 * changed, by a {@code state} event with only the parts that changed.
 *
 * <p>{@link #tick()} does all the work on one thread of its own, the dashboard thread, which is
 * also where the data directory is read; the event loops only write. What a viewer may have waiting
 * is bounded: one that has not taken the last writes (its connection is above the high-water
 * mark) is dropped, never buffered for. At most {@link #MAX_VIEWERS} are served at once, and the
 * lists in an event are capped, so an event stays small however large the fleet.
 */
public final class LiveFeed implements HttpEndpoint {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    public static final String PATH = "/events";
    public static final int MAX_VIEWERS = 8;
    /** Points of each chart: five minutes at one a second. */
    public static final int HISTORY = 300;
    public static final int MAX_DEVICES = 500;
    public static final int MAX_FILES = 500;
    /** The data directory is read again at most this often after a change... */
    static final Duration RESCAN_AFTER_CHANGE = Duration.ofSeconds(1);
    /** ...and this often in any case, for what maintenance or an operator changed. */
    static final Duration RESCAN_ANYWAY = Duration.ofSeconds(30);

    /** What the feed shows, read on the dashboard thread. */
    public interface Sources {
        List<ActiveDevice> joined();

        RecentActivity activity();

        /** At most {@code max} + 1 files (see FileDataStore#storedFiles); blocking. */
        List<StoredFile> storedFiles(int max) throws IOException;

        /** Commands handled since the server started. */
        long commands();

        /** The cluster's members, each with its devices; empty when the server runs alone. */
        default List<MemberShare> members() {
            return List.of();
        }
    }

    private final Sources sources;
    private final Clock clock;
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger viewerCount = new AtomicInteger();

    // Owned by the dashboard thread.
    private final ArrayDeque<long[]> history = new ArrayDeque<>();
    private long lastCommands = -1;
    private Instant lastTick;
    private List<ActiveDevice> lastJoined = List.of();
    private List<MemberShare> lastMembers = List.of();
    private long lastActivity = -1;
    private long scannedActivity = -1;
    private Instant lastScan;
    private List<StoredFile> files = List.of();
    private boolean scanned;

    public LiveFeed(Sources sources, Clock clock) {
        this.sources = sources;
        this.clock = clock;
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (HttpMethod.HEAD.equals(request.method())) {
            HttpReplies.send(ctx, request, HttpResponseStatus.OK, "text/event-stream", new byte[0]);
            return;
        }
        if (viewerCount.incrementAndGet() > MAX_VIEWERS) {
            viewerCount.decrementAndGet();
            HttpReplies.sendText(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "Too many dashboard viewers: at most " + MAX_VIEWERS + " at once");
            return;
        }
        Channel ch = ctx.channel();
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpReplies.secure(response);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        HttpUtil.setTransferEncodingChunked(response, true);
        // The connection now only carries the feed: anything more the client sends is dropped.
        // A feed is not a conversation: whatever the viewer sends now is dropped.
        ctx.pipeline().replace(ctx.handler(), ctx.name(), DiscardInbound.INSTANCE);
        ctx.channel().config().setAutoRead(true);
        Viewer viewer = new Viewer(ch);
        viewers.add(viewer);
        ch.closeFuture().addListener(f -> {
            viewers.remove(viewer);
            viewerCount.decrementAndGet();
        });
        ch.write(response);
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("retry: 2000\n\n", StandardCharsets.UTF_8)));
        log.debug("Dashboard viewer {} connected", HttpRouter.ip(ctx));
    }

    /** How many viewers are connected. */
    public int viewers() {
        return viewers.size();
    }

    /**
     * One second of the feed: takes a point for the charts, then sends each viewer what it needs.
     * Runs on the dashboard thread; tests call it by hand.
     */
    public void tick() {
        Instant now = clock.instant();
        long commands = sources.commands();
        List<ActiveDevice> joined = sources.joined();
        double perSecond = 0;
        if (lastTick != null && lastCommands >= 0) {
            long millis = Duration.between(lastTick, now).toMillis();
            perSecond = millis > 0 ? (commands - lastCommands) * 1000.0 / millis : 0;
        }
        lastTick = now;
        lastCommands = commands;
        long t = now.getEpochSecond();
        history.addLast(new long[]{t, Math.round(perSecond * 100), joined.size()});
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        if (viewers.isEmpty()) {
            return;
        }
        String tick = new Json().beginObject().name("t").value(t).name("cps").value(perSecond)
                .name("joined").value(joined.size()).endObject().toString();

        Json state = new Json().beginObject();
        boolean changed = false;
        if (!joined.equals(lastJoined)) {
            lastJoined = List.copyOf(joined);
            devices(state.name("devices"), joined);
            changed = true;
        }
        List<MemberShare> members = sources.members();
        if (!members.equals(lastMembers)) {
            lastMembers = List.copyOf(members);
            members(state.name("members"), members);
            changed = true;
        }
        RecentActivity activity = sources.activity();
        long version = activity.version();
        if (version != lastActivity) {
            lastActivity = version;
            activity(state, activity);
            changed = true;
        }
        if (rescanFiles(now, version)) {
            state.name("files");
            state.beginObject();
            filesBody(state);
            state.endObject();
            changed = true;
        }
        state.endObject();

        String update = "event: tick\ndata: " + tick + "\n\n"
                + (changed ? "event: state\ndata: " + state + "\n\n" : "");
        String snapshot = null;
        for (Viewer v : viewers) {
            String text;
            if (v.fresh) {
                if (snapshot == null) {
                    snapshot = "event: snapshot\ndata: " + snapshot(tick, joined, activity) + "\n\n";
                }
                text = snapshot;
                v.fresh = false;
            } else {
                text = update;
            }
            send(v, text);
        }
    }

    private void send(Viewer v, String text) {
        Channel ch = v.channel;
        if (!ch.isWritable()) {
            log.warn("Dropped dashboard viewer {}: it did not keep up with the live feed",
                    ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?");
            ch.close();
            return;
        }
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** True when the files were read again (and so belong in this update). */
    private boolean rescanFiles(Instant now, long activityVersion) {
        boolean due = lastScan == null
                || (activityVersion != scannedActivity && !now.isBefore(lastScan.plus(RESCAN_AFTER_CHANGE)))
                || !now.isBefore(lastScan.plus(RESCAN_ANYWAY));
        if (!due) {
            return false;
        }
        lastScan = now;
        scannedActivity = activityVersion;
        List<StoredFile> fresh;
        try {
            fresh = sources.storedFiles(MAX_FILES);
        } catch (IOException e) {
            log.debug("Cannot list the stored files for the dashboard: {}", e.toString());
            return false;
        }
        if (scanned && fresh.equals(files)) {
            return false;
        }
        scanned = true;
        files = fresh;
        return true;
    }

    private void filesBody(Json j) {
        j.name("more").value(files.size() > MAX_FILES).name("list").beginArray();
        for (StoredFile f : files.subList(0, Math.min(files.size(), MAX_FILES))) {
            j.beginObject().name("device").value(f.device().value()).name("file").value(f.fileId().value())
                    .name("bytes").value(f.bytes());
            if (f.summary().isPresent()) {
                ComputeStats s = f.summary().get();
                j.name("samples").value(s.count()).name("sum").value(s.sum().toString());
                if (s.count() > 0) {
                    j.name("min").value(s.min()).name("max").value(s.max())
                            .name("average").value(s.compute(Operation.AVERAGE, f.fileId()));
                }
            }
            j.endObject();
        }
        j.endArray();
    }

    private static void devices(Json j, List<ActiveDevice> joined) {
        j.beginObject().name("total").value(joined.size()).name("list").beginArray();
        for (ActiveDevice d : joined.subList(0, Math.min(joined.size(), MAX_DEVICES))) {
            j.beginObject().name("name").value(d.name().value()).name("address").value(d.ip())
                    .name("udp").value(d.udpPort()).name("since").value(d.since()).endObject();
        }
        j.endArray().endObject();
    }

    private static void members(Json j, List<MemberShare> members) {
        j.beginArray();
        for (MemberShare m : members) {
            j.beginObject().name("address").value(m.address()).name("here").value(m.here())
                    .name("devices").value(m.devices()).endObject();
        }
        j.endArray();
    }

    private static void activity(Json j, RecentActivity activity) {
        entries(j.name("uploads"), activity.uploads());
        entries(j.name("deletions"), activity.deletions());
    }

    private static void entries(Json j, List<RecentActivity.Entry> list) {
        j.beginArray();
        for (RecentActivity.Entry e : list) {
            j.beginObject().name("device").value(e.device()).name("file").value(e.fileId())
                    .name("samples").value(e.samples()).name("at").value(e.at()).endObject();
        }
        j.endArray();
    }

    private String snapshot(String tick, List<ActiveDevice> joined, RecentActivity activity) {
        Json j = new Json().beginObject();
        j.name("history").beginArray();
        for (long[] p : history) {
            j.beginArray().value(p[0]).value(p[1] / 100.0).value(p[2]).endArray();
        }
        j.endArray();
        devices(j.name("devices"), joined);
        members(j.name("members"), lastMembers);
        activity(j, activity);
        j.name("files");
        filesBody(j.beginObject());
        j.endObject();
        j.endObject();
        return "{\"tick\":" + tick + "," + j.toString().substring(1);
    }

    /** Drops every viewer; the feed stops with the server. */
    public void closeViewers() {
        viewers.forEach(v -> v.channel.close());
    }

    private static final class Viewer {
        final Channel channel;
        /** True until its snapshot went out; touched only on the dashboard thread. */
        boolean fresh = true;

        Viewer(Channel channel) {
            this.channel = channel;
        }
    }
}
