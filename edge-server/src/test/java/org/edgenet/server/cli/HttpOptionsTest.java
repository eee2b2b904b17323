package org.edgenet.server.cli;

import org.edgenet.server.HttpSettings;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** --http-port, --http-bind and --http-token: their defaults, their values and their refusals. */
class HttpOptionsTest {
    private static final String TOKEN = "a-long-enough-token-42";

    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static ServerConfig configure(String... args) throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).setUnmatchedOptionsArePositionalParams(true).parseArgs(args);
        return main.configure();
    }

    private int run(String... options) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        String[] args = new String[options.length + 4];
        System.arraycopy(new String[] {"0", "3", "--config", write()}, 0, args, 0, 4);
        System.arraycopy(options, 0, args, 4, options.length);
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** Every file of the server in the temporary directory. */
    private String write() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, String.join("\n", "credentials=" + dir.resolve("credentials.txt"),
                "data-dir=" + dir.resolve("data"), "device-log=" + dir.resolve("d.txt"),
                "upload-log=" + dir.resolve("u.txt"), "deletion-log=" + dir.resolve("x.txt"),
                "message-journal=" + dir.resolve("messages"), "tempid-file=" + dir.resolve("t.txt"),
                "trace-log=" + dir.resolve("c.txt")));
        return file.toString();
    }

    @Test
    void theHttpPortIsOffAndOnLoopbackUnlessAsked() throws Exception {
        HttpSettings http = configure("4000", "3").http();
        assertFalse(http.listens(), "off by default");
        assertEquals(InetAddress.getLoopbackAddress(), http.bind());
        assertEquals(Optional.empty(), http.token());
        assertFalse(configure("4000", "3", "--http-port", "0").http().listens(), "0 is off");
    }

    @Test
    void theOptionsSetPortAddressAndToken() throws Exception {
        HttpSettings http = configure("4000", "3", "--http-port", "8080", "--http-bind", "0.0.0.0",
                "--http-token", TOKEN).http();
        assertEquals(new HttpSettings(8080, InetAddress.getByName("0.0.0.0"), Optional.of(TOKEN)), http);
        assertFalse(http.toString().contains(TOKEN), "the token is not printed: " + http);
    }

    @Test
    void aBadPortIsOneLine() throws Exception {
        assertEquals(1, run("--http-port", "70000"));
        assertEquals("Invalid HTTP port: 70000. The port must be an integer between 1 and 65535 (0 turns it off)"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void aShortOrSpacedTokenIsRefusedWithoutRepeatingIt() throws Exception {
        run("--http-token", "short");
        run("--http-token", "has spaces in it, sixteen+");
        String[] lines = err.toString().split(System.lineSeparator());
        assertEquals(2, lines.length, err.toString());
        for (String line : lines) {
            assertEquals("Invalid HTTP token. It must be 16 to 256 visible ASCII characters, without spaces", line);
        }
    }

    @Test
    void aBindBeyondLoopbackWithoutATokenStopsTheStart() throws Exception {
        assertEquals(1, run("--http-port", "26001", "--http-bind", "0.0.0.0"));
        assertEquals("Cannot serve HTTP on 0.0.0.0 without --http-token: anyone who can reach the port could watch"
                + " the devices" + System.lineSeparator(), err.toString());
    }
}
