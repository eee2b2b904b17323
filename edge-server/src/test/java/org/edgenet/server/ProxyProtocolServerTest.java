package org.edgenet.server;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A server behind a load balancer that speaks the PROXY protocol ({@code --proxy-protocol-from}):
 * here the balancer is this host, and each plain socket plays it, header first.
 */
class ProxyProtocolServerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private EdgeServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(int maxPendingPerIp) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = EdgeServer.start(ServerConfig.in(dir).port(0).bindAddress(loopback)
                .operations(OperationsSettings.defaults().withMaxPendingLoginsPerIp(maxPendingPerIp)
                        .withBalancers(Set.of(loopback)))
                .build());
    }

    /** A connection from the balancer for a device at {@code ip}:{@code port}, its header sent. */
    private FrameSocket via(String ip, int port) throws IOException {
        FrameSocket s = new FrameSocket(server.port());
        s.sendRaw(("PROXY TCP4 " + ip + " 127.0.0.1 " + port + " 4000\r\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static void join(FrameSocket s, String device, String password, int udpPort) throws IOException {
        s.send(new Login(DeviceName.of(device), password));
        assertEquals(new LoginReply(LoginStatus.WELCOME), s.receive());
        s.send(new RegisterUdp(udpPort));
        assertInstanceOf(Joined.class, s.receive());
    }

    /** Version 2, binary: TCP over IPv4 from {@code source} port 40000 to 127.0.0.1:4000. */
    private static byte[] binaryHeader(byte[] source) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.writeBytes(new byte[] {0x21, 0x11, 0x00, 0x0C});
        b.writeBytes(source);
        b.writeBytes(new byte[] {127, 0, 0, 1, (byte) 0x9C, 0x40, 0x0F, (byte) 0xA0});
        return b.toByteArray();
    }

    private List<String> deviceLogEventually(int lines) throws IOException {
        Path log = dir.resolve("edge-device-log.txt");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> now = Files.exists(log) ? Files.readAllLines(log) : List.of();
            if (now.size() == lines) {
                return now;
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        fail("the device log never had " + lines + " lines");
        return null;
    }

    @Test
    void aDeviceIsKnownEverywhereByTheAddressTheBalancerNames() throws Exception {
        start(100);
        try (LogCapture console = new LogCapture();
             FrameSocket watch = via("203.0.113.7", 51234);
             FrameSocket band = new FrameSocket(server.port())) {
            join(watch, "supersmartwatch", "comp9331", 8000);
            band.sendRaw(binaryHeader(new byte[] {(byte) 198, 51, 100, 9}));
            join(band, "superwristband", "davidpass", 8001);

            band.send(new ListActive());
            ActiveDevices others = assertInstanceOf(ActiveDevices.class, band.receive());
            assertEquals(List.of("203.0.113.7"), others.devices().stream().map(DeviceInfo::ip).toList(),
                    "AED hands peers the device's address, not the balancer's");
            List<String> log = deviceLogEventually(2);
            assertTrue(log.get(0).contains("; 203.0.113.7; 8000"), log.get(0));
            assertTrue(log.get(1).contains("; 198.51.100.9; 8001"), log.get(1));
            List<String> lines = console.lines();
            assertTrue(lines.stream().anyMatch(l -> l.matches(
                    "INFO Connection from 203\\.0\\.113\\.7:51234 through 127\\.0\\.0\\.1:\\d+")), lines.toString());
            assertTrue(lines.contains("INFO supersmartwatch joined from 203.0.113.7 (udp 8000)"), lines.toString());
            assertTrue(lines.contains("INFO superwristband joined from 198.51.100.9 (udp 8001)"), lines.toString());
        }
    }

    @Test
    void pendingLoginsAreCountedPerNamedAddressNotPerBalancer() throws Exception {
        start(1);
        try (FrameSocket first = via("203.0.113.7", 1001)) {
            first.send(new Login(DeviceName.of("supersmartwatch"), "comp9331"));
            assertEquals(new LoginReply(LoginStatus.WELCOME), first.receive(), "the address's one pending login");
            try (FrameSocket second = via("203.0.113.7", 1002)) {
                assertEquals(new ErrorReply(ErrorCode.SERVER_FULL, "the server is full"), second.receive(),
                        "a second from the same device address is refused");
                assertTrue(second.closedByServer(), "and closed");
            }
            try (FrameSocket other = via("203.0.113.8", 1003)) {
                other.send(new Login(DeviceName.of("superwristband"), "davidpass"));
                assertEquals(new LoginReply(LoginStatus.WELCOME), other.receive(), "another address behind the balancer");
            }
        }
    }

    @Test
    void aHealthCheckKeepsTheBalancersAddress() throws Exception {
        start(100);
        try (LogCapture console = new LogCapture(); FrameSocket check = new FrameSocket(server.port())) {
            check.sendRaw("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
            join(check, "supersmartwatch", "comp9331", 8000);
            assertTrue(console.lines().contains("INFO supersmartwatch joined from 127.0.0.1 (udp 8000)"),
                    console.lines().toString());
            assertTrue(console.lines().stream().noneMatch(l -> l.startsWith("INFO Connection from")),
                    "a health check is no news: " + console.lines());
        }
    }

    @Test
    void aVersionOneHealthCheckNamingItsOwnConnectionIsNoNews() throws Exception {
        start(100);
        try (LogCapture console = new LogCapture(); Socket check = new Socket(InetAddress.getLoopbackAddress(),
                server.port())) {
            String header = "PROXY TCP4 127.0.0.1 127.0.0.1 " + check.getLocalPort() + " " + server.port() + "\r\n";
            check.getOutputStream().write(header.getBytes(StandardCharsets.US_ASCII));
            check.getOutputStream().flush();
            check.close();
            try (FrameSocket device = via("203.0.113.7", 1001)) {
                join(device, "supersmartwatch", "comp9331", 8000);
            }
            List<String> connections = console.lines().stream().filter(l -> l.startsWith("INFO Connection from")).toList();
            assertEquals(1, connections.size(), "only the device's connection is logged: " + connections);
            assertTrue(connections.get(0).startsWith("INFO Connection from 203.0.113.7:1001 through"), connections.get(0));
        }
    }

    @Test
    void aConnectionFromTheBalancerWithoutAHeaderIsClosedAndLogged() throws Exception {
        start(100);
        try (LogCapture console = new LogCapture(); FrameSocket bare = new FrameSocket(server.port())) {
            bare.send(new Login(DeviceName.of("supersmartwatch"), "comp9331"));
            assertTrue(bare.closedByServer(), "closed without a reply, as the PROXY protocol asks");
            assertTrue(console.warnings().stream().anyMatch(l -> l.matches("WARN Closed 127\\.0\\.0\\.1:\\d+: a connection"
                    + " from a balancer must begin with a PROXY protocol header \\(.+\\)")), console.lines().toString());
            assertTrue(server.metrics() != null, "the server runs on");
        }
        try (FrameSocket next = via("203.0.113.7", 1001)) {
            join(next, "supersmartwatch", "comp9331", 8000);
        }
    }
}
