package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.p2p.PeerNode;
import org.edgenet.client.p2p.PeerOptions;
import org.edgenet.client.p2p.TransferEvents;
import org.edgenet.client.trace.BeaconReceiver;
import org.edgenet.client.trace.ContactLog;
import org.edgenet.client.trace.TraceEvents;
import org.edgenet.client.trace.TraceSettings;
import org.edgenet.client.trace.Tracer;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ExposureNotice;
import org.edgenet.common.message.Notice;
import org.edgenet.common.message.Peer;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.trace.Beacon;
import org.edgenet.common.trace.BeaconFault;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.trace.TraceTimes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.edgenet.client.it.LiveServer.await;
import static org.edgenet.client.it.LiveServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 002's story with three real devices of a real server, on one clock the test moves: A beacons B
 * and C; C's beacon to B has expired; B reports positive; the server names A and not C, A hears of
 * it at once, and B's port still carries UVF after the bad datagrams.
 */
class ContactTracingIntegrationTest {
    private static final List<String> CREDENTIALS = List.of("supersmartwatch comp9331", "superwristband davidpass",
            "wei-smartphone ph0ne");
    private static final Pattern TEMP_ID_LINE = Pattern.compile(
            "[^ ]+ \\d{20} \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d:\\d\\d");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2020-09-24T10:31:00Z"), ZoneOffset.UTC);
    private LiveServer live;
    private final List<AutoCloseable> devices = new ArrayList<>();

    /** A joined device with its UDP port, beacon receiver, tracer and the notices it hears. */
    private final class Device implements AutoCloseable {
        final String name;
        final Path home;
        final BeaconReceiver beacons = new BeaconReceiver(clock);
        final PeerNode node;
        final EdgeClient client;
        final Tracer tracer;
        final BlockingQueue<Notice> notices = new LinkedBlockingQueue<>();
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final BlockingQueue<BeaconFault> refused = new LinkedBlockingQueue<>();

        Device(String name, String password) throws Exception {
            this.name = name;
            this.home = Files.createDirectories(dir.resolve(name));
            node = PeerNode.bind(live.group, 0, home, new TransferEvents() {
                @Override
                public void received(String fileName, String presenter, Path stored) {
                    received.add(presenter + "_" + fileName);
                }
            }, PeerOptions.DEFAULTS, beacons);
            client = await(live.connect());
            client.onNotice(notices::add);
            client.onTicket(node::admit);
            await(client.login(DeviceName.of(name), password));
            await(client.registerUdp(node.udpPort()));
            tracer = new Tracer(client, node::sendBeacon, home, TraceSettings.defaults(), clock, new TraceEvents() {
                @Override
                public void beaconReceived(TempIdWindow window, InetSocketAddress from, ContactLog.Added added) {
                }

                @Override
                public void beaconRefused(BeaconFault fault, String detail, InetSocketAddress from, long total) {
                    refused.add(fault);
                }
            });
            tracer.start(DeviceName.of(name));
            beacons.listen(tracer);
            devices.add(this);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), node.udpPort());
        }

        Path contactLog() {
            return home.resolve(name + "_contactlog.txt");
        }

        @Override
        public void close() {
            tracer.close();
            node.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable d : devices) {
            d.close();
        }
        if (live != null) {
            live.close();
        }
    }

    @Test
    void theServerNamesOnlyTheDeviceWhoseValidBeaconWasKeptAndTellsIt() throws Exception {
        live = new LiveServer(dir, CREDENTIALS, c -> c.clock(clock).zone(ZoneOffset.UTC));
        Device a = new Device("supersmartwatch", "comp9331");
        Device b = new Device("superwristband", "davidpass");
        Device c = new Device("wei-smartphone", "ph0ne");

        TempIdWindow stale = await(c.tracer.fetchTempId());
        clock.advance(Duration.ofMinutes(16));
        TempIdWindow aId = await(a.tracer.beacon(b.address()));
        assertEquals(aId, await(a.tracer.beacon(c.address())), "the same TempID for both beacons");
        await(c.node.sendBeacon(b.address(), Beacon.of(stale)));
        sendRaw(b.address(), "not a beacon");
        sendRaw(b.address(), "1234567890123456789x" + TraceTimes.format(aId.start()) + TraceTimes.format(aId.expiry())
                + "1");

        assertEquals(BeaconFault.EXPIRED, b.refused.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS), "C's");
        assertEquals(BeaconFault.WRONG_LENGTH, b.refused.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS), "junk");
        assertEquals(BeaconFault.BAD_TEMP_ID, b.refused.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS), "digits");
        assertEquals(List.of(aId.toLine()), live.awaitLines(b.contactLog(), 1), "B kept A's beacon only");
        assertEquals(List.of(aId.toLine()), live.awaitLines(c.contactLog(), 1), "C kept A's beacon");

        clock.advance(Duration.ofMinutes(1));
        assertEquals(1, await(b.tracer.upload()), "B hears only how many entries arrived");

        List<String> trace = live.awaitLines(dir.resolve("contact-trace-log.txt"), 2);
        assertEquals("reporter superwristband 24/09/2020 10:48:00 entries 1", trace.get(0), "reporter and time");
        assertEquals("contact supersmartwatch " + TraceTimes.format(aId.start()) + " " + TraceTimes.format(aId.expiry()),
                trace.get(1), "A, with the window of its TempID, and not C");
        assertEquals(new ExposureNotice(aId.start(), aId.expiry()),
                a.notices.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS), "A, joined, is told at once");
        assertTrue(c.notices.isEmpty(), "C hears nothing");
        assertTrue(await(c.client.readMessages(255)).messages().isEmpty(), "nor is anything left for C");

        List<String> tempIds = live.lines(dir.resolve("tempIDs.txt"));
        assertEquals(List.of("wei-smartphone " + stale.toLine(), "supersmartwatch " + aId.toLine()), tempIds,
                "one line per TempID issued");
        tempIds.forEach(l -> assertTrue(TEMP_ID_LINE.matcher(l).matches(), l));
        assertNotEquals(stale.id(), aId.id(), "TempIDs differ");

        Path clip = Files.write(a.home.resolve("clip.bin"), "still carried by UVF".getBytes(StandardCharsets.UTF_8));
        Peer peer = await(a.client.lookupPeer(DeviceName.of(b.name)));
        a.node.send(b.address(), clip, peer.ticket()).get(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("supersmartwatch_clip.bin", b.received.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS),
                "B's port still serves UVF");
        eventually("B counted three bad beacons", () -> b.beacons.refused() == 3);
    }

    @Test
    void aContactThatIsNotJoinedFindsTheNoticeInItsMailbox() throws Exception {
        live = new LiveServer(dir, CREDENTIALS, c -> c.clock(clock).zone(ZoneOffset.UTC));
        Device a = new Device("supersmartwatch", "comp9331");
        Device b = new Device("superwristband", "davidpass");
        TempIdWindow aId = await(a.tracer.beacon(b.address()));
        live.awaitLines(b.contactLog(), 1);
        await(a.client.leave());

        assertEquals(1, await(b.tracer.upload()), "one entry");

        EdgeClient again = await(live.join("supersmartwatch", "comp9331", 9000));
        var mail = await(again.readMessages(255)).messages();
        assertEquals(1, mail.size(), "one message waiting");
        assertEquals("health authority", mail.get(0).sender(), "from the health authority");
        assertEquals(new ExposureNotice(aId.start(), aId.expiry()).text(), mail.get(0).text(), "the notice");
    }

    private static void sendRaw(InetSocketAddress to, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(bytes, bytes.length, to));
        }
    }
}
