package org.edgenet.server;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.net.ConnectionLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * max-connections, max-pending-logins-per-ip and the idle time-out on a real server, spoken to
 * with plain sockets.
 */
class OperationsServerTest {
    private static final ErrorReply FULL = new ErrorReply(ErrorCode.SERVER_FULL, "the server is full");
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

    private void start(int maxConnections, int maxPendingPerIp) throws Exception {
        start(OperationsSettings.defaults().withMaxConnections(maxConnections)
                .withMaxPendingLoginsPerIp(maxPendingPerIp));
    }

    private void start(OperationsSettings operations) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        server = EdgeServer.start(ServerConfig.in(dir).port(0).bindAddress(InetAddress.getLoopbackAddress())
                .operations(operations).build());
    }

    /** A connection whose pipeline is certainly built: its login was answered. */
    private FrameSocket admitted(String device, String password) throws IOException {
        FrameSocket s = new FrameSocket(server.port());
        s.send(new Login(DeviceName.of(device), password));
        assertEquals(new LoginReply(LoginStatus.WELCOME), s.receive(), "admitted");
        return s;
    }

    private void assertRefused(FrameSocket s) throws IOException {
        assertEquals(FULL, s.receive(), "told why");
        assertTrue(s.closedByServer(), "then closed");
    }

    /** Connects until a connection is admitted again; the server frees a place once it sees a close. */
    private FrameSocket eventuallyAdmitted(String device, String password) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            FrameSocket s = new FrameSocket(server.port());
            s.send(new Login(DeviceName.of(device), password));
            Message m = s.receive();
            if (m instanceof LoginReply) {
                return s;
            }
            assertEquals(FULL, m);
            s.close();
        }
        fail("no place was freed within " + WAIT);
        return null;
    }

    @Test
    void aConnectionOverMaxConnectionsIsToldTheServerIsFullAndClosed() throws Exception {
        start(2, 100);
        try (LogCapture log = new LogCapture(ConnectionLimits.class);
             FrameSocket a = admitted("supersmartwatch", "comp9331");
             FrameSocket b = admitted("superwristband", "davidpass");
             FrameSocket c = new FrameSocket(server.port())) {
            assertRefused(c);
            List<String> lines = log.lines();
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).matches("WARN Refused a connection from 127\\.0\\.0\\.1:\\d+: max-connections \\(2\\)"
                    + " reached"), lines.get(0));
            a.close();
            try (FrameSocket d = eventuallyAdmitted("wei-smartphone", "ph0ne$Wei")) {
                d.send(new RegisterUdp(8000));
                assertInstanceOf(Joined.class, d.receive(), "a freed place serves as any");
            }
        }
    }

    @Test
    void oneAddressHoldsAtMostMaxPendingLoginsButJoinedDevicesDoNotCount() throws Exception {
        start(100, 2);
        try (LogCapture log = new LogCapture(ConnectionLimits.class);
             FrameSocket a = admitted("supersmartwatch", "comp9331");
             FrameSocket b = admitted("superwristband", "davidpass");
             FrameSocket c = new FrameSocket(server.port())) {
            assertRefused(c);
            assertTrue(log.lines().get(0).endsWith(": max-pending-logins-per-ip (2) reached: that many connections from"
                    + " this address have not joined"), log.lines().toString());
            a.send(new RegisterUdp(8000));
            assertInstanceOf(Joined.class, a.receive());
            // The place is free once Joined is on its way, so this connection is certainly admitted.
            try (FrameSocket d = admitted("wei-smartphone", "ph0ne$Wei");
                 FrameSocket e = new FrameSocket(server.port())) {
                assertRefused(e);
            }
        }
    }

    @Test
    void aFloodOfRefusedConnectionsIsLoggedAFewTimesOnly() throws Exception {
        start(1, 100);
        try (LogCapture log = new LogCapture(ConnectionLimits.class);
             FrameSocket a = admitted("supersmartwatch", "comp9331")) {
            for (int i = 0; i < 50; i++) {
                try (FrameSocket s = new FrameSocket(server.port())) {
                    assertRefused(s);
                }
            }
            assertTrue(log.lines().size() <= 5, "at most the burst of the log limiter: " + log.lines().size());
        }
    }

    @Test
    void aDeviceThatFallsSilentIsCutAndLeavesTheActiveDevices() throws Exception {
        start(OperationsSettings.defaults().withIdleTimeout(Duration.ofSeconds(1)));
        try (FrameSocket a = admitted("supersmartwatch", "comp9331")) {
            a.send(new RegisterUdp(8000));
            assertInstanceOf(Joined.class, a.receive());
            // Nothing more is sent, as from a device that vanished without closing its socket.
            assertEquals(new ErrorReply(ErrorCode.IDLE_TIMEOUT, "nothing received for 1 s (idle time-out)"),
                    a.receive());
            assertTrue(a.closedByServer(), "then closed");
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.readString(dir.resolve("edge-device-log.txt")).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the device log is rewritten without the device");
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
