package org.edgenet.server;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.LookupPeer;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.Ticket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real servers in cluster mode, each in a directory of its own, spoken to over their device
 * ports: the handlers are those of a server alone, the services behind them are shared. The
 * servers are shared by the tests of the class; each test uses device names of its own.
 */
class ClusterServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<EdgeServer> servers = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void startServers() throws Exception {
        servers.addAll(ClusterOfServers.start(dir, 27530, 3, UnaryOperator.identity()));
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(EdgeServer::close);
    }

    /** Joins {@code device}, once an earlier test's leave of the same name has reached every server. */
    private static FrameSocket joined(int server, String device, String password, int udp)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        FrameSocket s = new FrameSocket(servers.get(server).port());
        s.send(new Login(DeviceName.of(device), password));
        Message reply = s.receive();
        while (reply.equals(new LoginReply(LoginStatus.ALREADY_JOINED)) && System.nanoTime() < end) {
            s.close();
            TimeUnit.MILLISECONDS.sleep(20);
            s = new FrameSocket(servers.get(server).port());
            s.send(new Login(DeviceName.of(device), password));
            reply = s.receive();
        }
        assertEquals(new LoginReply(LoginStatus.WELCOME), reply, device + " on server " + server);
        s.send(new RegisterUdp(udp));
        assertInstanceOf(Joined.class, s.receive(), device + " joined on server " + server);
        return s;
    }

    private static Message login(int server, String device, String password) throws IOException {
        try (FrameSocket s = new FrameSocket(servers.get(server).port())) {
            s.send(new Login(DeviceName.of(device), password));
            return s.receive();
        }
    }

    private static List<String> aed(FrameSocket s) throws IOException {
        s.send(new ListActive());
        List<String> names = new ArrayList<>();
        for (DeviceInfo d : assertInstanceOf(ActiveDevices.class, s.receive(), "AED").devices()) {
            names.add(d.name().value() + ":" + d.udpPort());
        }
        return names;
    }

    @Test
    void aDeviceJoinedOnOneServerIsAlreadyJoinedOnAnotherAndListedByAedEverywhere() throws Exception {
        try (FrameSocket watch = joined(0, "supersmartwatch", "comp9331", 8001)) {
            assertEquals(new LoginReply(LoginStatus.ALREADY_JOINED), login(1, "supersmartwatch", "comp9331"),
                    "a second login through another server");
            try (FrameSocket band = joined(2, "superwristband", "davidpass", 8002)) {
                long end = System.nanoTime() + WAIT.toNanos();
                List<String> seen = aed(watch);
                while (seen.size() < 1 && System.nanoTime() < end) {
                    TimeUnit.MILLISECONDS.sleep(20);
                    seen = aed(watch);
                }
                assertEquals(List.of("superwristband:8002"), seen, "AED on server 0");
                assertEquals(List.of("supersmartwatch:8001"), aed(band), "AED on server 2");
            }
        }
    }

    @Test
    void failedLoginsThroughDifferentServersBlockTheNameOnAll() throws Exception {
        assertEquals(new LoginReply(LoginStatus.INVALID_PASSWORD), login(0, "wei-smartphone", "wrong"), "first");
        assertEquals(new LoginReply(LoginStatus.INVALID_PASSWORD), login(1, "wei-smartphone", "wrong"), "second");
        assertEquals(new LoginReply(LoginStatus.BLOCKED_NOW), login(2, "wei-smartphone", "wrong"), "third");
        assertEquals(new LoginReply(LoginStatus.BLOCKED), login(0, "wei-smartphone", "ph0ne$Wei"),
                "the right password on another server while blocked");
    }

    @Test
    void eachServersDeviceLogShowsTheWholeClusterInJoinOrder() throws Exception {
        try (FrameSocket a = joined(1, "supersmartwatch", "comp9331", 8101);
             FrameSocket b = joined(0, "superwristband", "davidpass", 8102)) {
            for (int i = 0; i < 3; i++) {
                Path log = dir.resolve("server" + i).resolve("edge-device-log.txt");
                long end = System.nanoTime() + WAIT.toNanos();
                while (Files.readAllLines(log).size() != 2) {
                    assertTrue(System.nanoTime() < end, "the device log of server " + i + " within " + WAIT);
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                List<String> lines = Files.readAllLines(log);
                assertTrue(lines.get(0).matches("1; .*; supersmartwatch; 127\\.0\\.0\\.1; 8101"), lines.get(0));
                assertTrue(lines.get(1).matches("2; .*; superwristband; 127\\.0\\.0\\.1; 8102"), lines.get(1));
            }
        }
    }

    @Test
    void uvfBetweenDevicesOnDifferentServersHandsTheAudienceItsTicketFirst() throws Exception {
        try (FrameSocket watch = joined(0, "supersmartwatch", "comp9331", 8201);
             FrameSocket band = joined(2, "superwristband", "davidpass", 8202)) {
            long end = System.nanoTime() + WAIT.toNanos();
            while (aed(watch).isEmpty()) {
                assertTrue(System.nanoTime() < end, "server 0 sees the band within " + WAIT);
                TimeUnit.MILLISECONDS.sleep(20);
            }
            watch.send(new LookupPeer(DeviceName.of("superwristband")));
            Ticket held = assertInstanceOf(Ticket.class, band.receive(), "the audience, on server 2, gets the ticket");
            Peer peer = assertInstanceOf(Peer.class, watch.receive(), "the presenter, on server 0, gets the address");
            assertEquals(8202, peer.udpPort(), "where the band listens");
            assertEquals(held.id(), peer.ticket().id(), "both hold one ticket");
        }
    }
}
