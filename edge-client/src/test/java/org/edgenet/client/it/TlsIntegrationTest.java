package org.edgenet.client.it;

import io.netty.channel.EventLoopGroup;
import org.edgenet.client.net.ClientTls;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.net.TestCertificates;
import org.edgenet.client.net.ServerError;
import org.edgenet.client.net.TlsFailedException;
import org.edgenet.client.p2p.PeerNode;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Peer;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.SecuritySettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real server with TLS on its device port, and clients with and without TLS. */
class TlsIntegrationTest {
    private static final List<String> CREDENTIALS = List.of("supersmartwatch comp9331", "uav-camera Fly#High22");
    private static final Duration HANDSHAKE = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    private Path cert;
    private Path otherCert;
    private LiveServer tlsServer;

    @BeforeEach
    void setUp() throws Exception {
        cert = copy("server.crt");
        Path key = copy("server.key");
        otherCert = copy("other.crt");
        Path serverDir = Files.createDirectory(dir.resolve("tls-server"));
        tlsServer = new LiveServer(serverDir, CREDENTIALS, b -> b.security(SecuritySettings.defaults()
                .withTls(cert, key).withHandshakeTimeout(HANDSHAKE)));
    }

    @AfterEach
    void tearDown() {
        tlsServer.close();
    }

    private Path copy(String name) throws Exception {
        return TestCertificates.copy(name, dir);
    }

    private CompletableFuture<EdgeClient> connectTls(EventLoopGroup group, int port, ClientTls tls) {
        return EdgeClient.connect(group, new InetSocketAddress("127.0.0.1", port), tls);
    }

    @Test
    void theJdkSeesTls13OnTheDevicePortAndNothingOlder() throws Exception {
        SSLContext jdk = TestCertificates.trusting(cert);

        try (SSLSocket s = (SSLSocket) jdk.getSocketFactory().createSocket("127.0.0.1", tlsServer.server.port())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol(), "the negotiated protocol");
        }
        try (SSLSocket s = (SSLSocket) jdk.getSocketFactory().createSocket("127.0.0.1", tlsServer.server.port())) {
            s.setSoTimeout(10_000);
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThrows(SSLHandshakeException.class, s::startHandshake, "TLS 1.2 is refused");
        }
    }

    @Test
    void aTlsClientJoinsAndRunsCommands() throws Exception {
        ClientTls tls = ClientTls.trusting(cert, "127.0.0.1");
        EdgeClient c = await(connectTls(tlsServer.group, tlsServer.server.port(), tls));

        assertEquals(LoginStatus.WELCOME, await(c.login(DeviceName.of("supersmartwatch"), "comp9331")));
        await(c.registerUdp(5000));
        Path file = dir.resolve("samples.txt");
        Files.writeString(file, "1\n2\n3\n");
        assertEquals(3, await(c.upload(FileId.of(7), file)).dataAmount(), "an upload over TLS");
        assertEquals(List.of(), await(c.listActive()), "AED over TLS");
        await(c.leave());
        await(c.closeFuture());
    }

    @Test
    void uvfBetweenTwoTlsClientsIsUnaffected() throws Exception {
        ClientTls tls = ClientTls.trusting(cert, "127.0.0.1");
        Path audienceDir = Files.createDirectory(dir.resolve("audience"));
        Path presenterDir = Files.createDirectory(dir.resolve("presenter"));
        byte[] video = new byte[300_000];
        new Random(3).nextBytes(video);
        Files.write(presenterDir.resolve("clip.mp4"), video);
        CompletableFuture<Path> received = new CompletableFuture<>();
        EventLoopGroup group = tlsServer.group;
        try (PeerNode audience = PeerNode.bind(group, 0, audienceDir, (f, p, stored) -> received.complete(stored));
             PeerNode presenter = PeerNode.bind(group, 0, presenterDir, (f, p, s) -> { })) {
            EdgeClient a = await(connectTls(group, tlsServer.server.port(), tls));
            a.onTicket(audience::admit);
            assertEquals(LoginStatus.WELCOME, await(a.login(DeviceName.of("uav-camera"), "Fly#High22")));
            await(a.registerUdp(audience.udpPort()));
            EdgeClient p = await(connectTls(group, tlsServer.server.port(), tls));
            assertEquals(LoginStatus.WELCOME, await(p.login(DeviceName.of("supersmartwatch"), "comp9331")));
            await(p.registerUdp(presenter.udpPort()));

            Peer peer = await(p.lookupPeer(DeviceName.of("uav-camera")));
            await(presenter.send(new InetSocketAddress(peer.ip(), peer.udpPort()), presenterDir.resolve("clip.mp4"),
                    peer.ticket()));

            Path stored = received.get(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertArrayEquals(video, Files.readAllBytes(stored), "the file arrives whole over UDP");
            List<DeviceInfo> others = await(p.listActive());
            assertEquals(1, others.size(), "both devices joined over TLS");
        }
    }

    @Test
    void aPlainClientAgainstTheTlsPortIsToldSoAndTheConnectionCloses() throws Exception {
        EdgeClient c = await(tlsServer.connect());

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> c.login(DeviceName.of("supersmartwatch"), "comp9331").get(20, TimeUnit.SECONDS));

        ServerError error = assertInstanceOf(ServerError.class, e.getCause());
        assertEquals(ErrorCode.TLS_REQUIRED, error.code());
        assertEquals("This server accepts only TLS connections: start the client with --tls", error.getMessage());
        await(c.closeFuture());
    }

    @Test
    void aTlsClientAgainstAPlainPortFailsWithAClearReason() throws Exception {
        Path plainDir = Files.createDirectory(dir.resolve("plain-server"));
        try (LiveServer plain = new LiveServer(plainDir, CREDENTIALS, b -> b)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> connectTls(plain.group, plain.server.port(), ClientTls.insecure("127.0.0.1"))
                            .get(20, TimeUnit.SECONDS));
            TlsFailedException failed = assertInstanceOf(TlsFailedException.class, e.getCause());
            assertEquals("the server does not speak TLS on this port; start the client without --tls",
                    failed.getMessage());
        }
    }

    @Test
    void aServerWhoseCertificateIsNotTrustedIsRefused() throws Exception {
        ClientTls wrong = ClientTls.trusting(otherCert, "127.0.0.1");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> connectTls(tlsServer.group, tlsServer.server.port(), wrong).get(20, TimeUnit.SECONDS));
        TlsFailedException failed = assertInstanceOf(TlsFailedException.class, e.getCause());
        assertTrue(failed.getMessage().startsWith("the server's certificate is not trusted ("), failed.getMessage());
        assertTrue(failed.getMessage().endsWith("); give its certificate with --trust FILE"), failed.getMessage());
    }

    @Test
    void aHandshakeThatNeverCompletesIsClosedByTheServer() throws Exception {
        try (Socket s = new Socket("127.0.0.1", tlsServer.server.port())) {
            s.setSoTimeout((int) LiveServer.WAIT.toMillis());
            // The header of a handshake record that announces 512 bytes, then nothing.
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
            s.getOutputStream().flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // An alert may come first; the close is what counts.
            }
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waited < LiveServer.WAIT.toMillis(), "closed by the handshake time-out, after " + waited + " ms");
        }
    }

    @Test
    void aPlainClientThatSaysNothingIsStillClosedByTheLoginTimeout() throws Exception {
        Path quietDir = Files.createDirectory(dir.resolve("quiet-server"));
        Path key = dir.resolve("server.key");
        try (LiveServer quiet = new LiveServer(quietDir, CREDENTIALS, b -> b.loginTimeout(Duration.ofMillis(500))
                .security(SecuritySettings.defaults().withTls(cert, key)));
             Socket s = new Socket("127.0.0.1", quiet.server.port())) {
            s.setSoTimeout((int) LiveServer.WAIT.toMillis());
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // The login time-out's error frame, then the close.
            }
        }
    }
}
