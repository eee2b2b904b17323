package org.edgenet.client.cli;

import org.edgenet.client.net.TestCertificates;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.OperationsSettings;
import org.edgenet.server.SecuritySettings;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLSocket;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The client's TLS options, against real servers with and without TLS. */
class TlsOptionsTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Path cert;
    private EdgeServer tlsServer;

    @BeforeEach
    void setUp() throws Exception {
        cert = copy("server.crt");
        Path key = copy("server.key");
        Path serverDir = Files.createDirectory(dir.resolve("server"));
        Files.writeString(serverDir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        tlsServer = EdgeServer.start(ServerConfig.in(serverDir).port(0)
                .security(SecuritySettings.defaults().withTls(cert, key)).build());
    }

    @AfterEach
    void tearDown() {
        tlsServer.close();
    }

    private Path copy(String name) throws Exception {
        return TestCertificates.copy(name, dir);
    }

    private int run(String input, int port, String... options) throws Exception {
        int udp;
        try (DatagramSocket s = new DatagramSocket(0)) {
            udp = s.getLocalPort();
        }
        String[] args = new String[options.length + 5];
        System.arraycopy(new String[] {"127.0.0.1", String.valueOf(port), String.valueOf(udp), "--dir",
                dir.toString()}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        CommandLine cmd = ClientMain.commandLine(new ClientMain(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))));
        cmd.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void trustOrInsecureWithoutTlsIsRefused() throws Exception {
        assertEquals(1, run("", tlsServer.port(), "--trust", cert.toString()));
        assertEquals(1, run("", tlsServer.port(), "--insecure"));
        assertEquals(1, run("", tlsServer.port(), "--tls", "--insecure", "--trust", cert.toString()));
        assertEquals(1, run("", tlsServer.port(), "--tls", "--trust", dir.resolve("missing.pem").toString()));
        assertEquals("--trust needs --tls" + NL + "--insecure needs --tls" + NL
                + "Give either --trust or --insecure, not both" + NL
                + "Trust file " + dir.resolve("missing.pem") + " does not exist" + NL, err.toString());
    }

    @Test
    void aTlsDeviceRefusedByAFullServerSaysSo() throws Exception {
        Path serverDir = Files.createDirectory(dir.resolve("full"));
        Files.writeString(serverDir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        try (EdgeServer full = EdgeServer.start(ServerConfig.in(serverDir).port(0)
                .security(SecuritySettings.defaults().withTls(cert, dir.resolve("server.key")))
                .operations(OperationsSettings.defaults().withMaxConnections(1)).build());
             SSLSocket holder = (SSLSocket) TestCertificates.trusting(cert).getSocketFactory().createSocket("127.0.0.1", full.port())) {
            // Once its handshake is done, the one place is surely taken.
            holder.setSoTimeout(10_000);
            holder.startHandshake();

            assertEquals(1, run("supersmartwatch\ncomp9331\nOUT\n", full.port(), "--tls", "--trust",
                    cert.toString()));
            assertEquals("Cannot connect to the server at 127.0.0.1:" + full.port() + ": the server is full" + NL,
                    err.toString());
        }
    }

    @Test
    void aTlsDeviceJoinsAndLeaves() throws Exception {
        assertEquals(0, run("supersmartwatch\ncomp9331\nOUT\n", tlsServer.port(), "--tls", "--trust",
                cert.toString()), err.toString());
        assertEquals("", err.toString());
        String[] lines = out.toString().split(NL);
        assertEquals("Username: Password: Welcome to the edge network, supersmartwatch!", lines[0]);
        assertEquals("Bye, supersmartwatch!", lines[lines.length - 1]);
    }

    @Test
    void insecureWarnsFirstAndStillEncrypts() throws Exception {
        assertEquals(0, run("supersmartwatch\ncomp9331\nOUT\n", tlsServer.port(), "--tls", "--insecure"),
                err.toString());
        assertEquals(TlsOptions.INSECURE_WARNING, out.toString().split(NL)[0]);
    }

    @Test
    void aPlainDeviceAgainstTheTlsPortGetsOneLineAndExits() throws Exception {
        assertEquals(1, run("supersmartwatch\ncomp9331\nAED\nOUT\n", tlsServer.port()));
        assertEquals("Username: Password: This server accepts only TLS connections: start the client with --tls."
                + NL, out.toString());
    }

    @Test
    void aTlsDeviceAgainstAPlainPortGetsOneLineAndExits() throws Exception {
        Path plainDir = Files.createDirectory(dir.resolve("plain"));
        Files.writeString(plainDir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        try (EdgeServer plain = EdgeServer.start(ServerConfig.in(plainDir).port(0).build())) {
            assertEquals(1, run("supersmartwatch\ncomp9331\n", plain.port(), "--tls", "--trust", cert.toString()));
            assertEquals("Cannot connect to the server at 127.0.0.1:" + plain.port()
                    + ": the server does not speak TLS on this port; start the client without --tls" + NL,
                    err.toString());
        }
    }
}
