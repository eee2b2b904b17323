package org.edgenet.client.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up errors: one line each, a non-zero exit code, never a stack trace. */
class ClientMainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return runWithInput("", args);
    }

    private int runWithInput(String input, String... args) {
        CommandLine cmd = ClientMain.commandLine(new ClientMain(
                new ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private void assertOneLineError(String expected, int code) {
        assertNotEquals(0, code, "non-zero exit");
        assertEquals(expected + System.lineSeparator(), err.toString(), "exactly one line on stderr");
        assertEquals("", out.toString(), "nothing on stdout");
    }

    @Test
    void refusesAServerPortThatIsNotANumber() {
        assertOneLineError("Invalid server port: abc. A port is an integer between 1 and 65535",
                run("127.0.0.1", "abc", "8000"));
    }

    @Test
    void refusesPortsOutOfRange() {
        assertOneLineError("Invalid UDP port: 70000. A port is an integer between 1 and 65535",
                run("127.0.0.1", "4000", "70000"));
    }

    @Test
    void refusesPortZeroGivenAsAnOption() {
        assertOneLineError("Invalid server port: 0. A port is an integer between 1 and 65535",
                run("--host", "127.0.0.1", "--port", "0", "--udp-port", "8000"));
    }

    @Test
    void refusesMissingArguments() {
        assertOneLineError("Missing UDP port. Usage: run-client.sh <server_host> <server_port> <client_udp_server_port>",
                run("127.0.0.1", "4000"));
    }

    @Test
    void refusesAnArgumentAndAnOptionThatDisagree() {
        assertOneLineError("The server port is given twice, as 4000 and 4001",
                run("127.0.0.1", "4000", "8000", "--port", "4001"));
    }

    @Test
    void refusesAnUnknownOptionWithOneLine() {
        int code = run("--bogus");
        assertEquals(2, code, "usage error code");
        assertEquals(1, err.toString().lines().count(), "one line: " + err);
    }

    @Test
    void refusesAServerHostThatDoesNotResolve() {
        assertOneLineError("Cannot resolve server host nosuchhost", run("nosuchhost", "4000", "8000"));
    }

    @Test
    void refusesAUdpPortInUse() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0)) {
            int port = taken.getLocalPort();
            assertOneLineError("UDP port " + port + " is already in use",
                    run("127.0.0.1", "4000", Integer.toString(port), "--dir", dir.toString()));
        }
    }

    @Test
    void saysWhenNoServerListens() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        int udpPort;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            udpPort = probe.getLocalPort();
        }
        assertOneLineError("Cannot connect to the server at 127.0.0.1:" + closedPort,
                run("127.0.0.1", Integer.toString(closedPort), Integer.toString(udpPort), "--dir", dir.toString()));
    }

    @Test
    void refusesAClientDirectoryThatDoesNotExist() {
        assertOneLineError("The client directory " + dir.resolve("none") + " does not exist",
                run("127.0.0.1", "4000", "8000", "--dir", dir.resolve("none").toString()));
    }

    @Test
    void printsTheVersionFromTheManifestOrDev() {
        assertEquals(0, run("--version"), "exit 0");
        assertTrue(out.toString().startsWith("EdgeNet client "), out.toString());
    }

    @Test
    void printsHelpNamingThePositionalArguments() {
        assertEquals(0, run("--help"), "exit 0");
        for (String name : new String[] {"<server_host>", "<server_port>", "<client_udp_server_port>",
                "--host", "--port", "--udp-port", "--dir", "--reply-timeout"}) {
            assertTrue(out.toString().contains(name), "help mentions " + name);
        }
    }

    @Test
    void refusesAReplyTimeoutThatIsNotWholeSeconds() {
        assertOneLineError("Invalid reply time-out: 2.5. It is a whole number of seconds from 0 (wait for ever)"
                + " to 86400", run("127.0.0.1", "4000", "8000", "--reply-timeout", "2.5"));
    }

    @Test
    void givesUpOnAServerThatAcceptsButNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             DatagramSocket probe = new DatagramSocket(0)) {
            int udpPort = probe.getLocalPort();
            probe.close();

            int code = runWithInput("supersmartwatch\ncomp9331\nAED\n", "127.0.0.1",
                    Integer.toString(silent.getLocalPort()), Integer.toString(udpPort), "--dir", dir.toString(),
                    "--reply-timeout", "1");

            assertEquals(1, code, "giving up exits 1");
            assertEquals("Username: Password: The server has not answered for 1 s. Disconnecting."
                    + System.lineSeparator(), out.toString(), "what the user sees");
            assertEquals("", err.toString(), "no error output");
        }
    }
}
