package org.edgenet.server.cli;

import org.edgenet.server.ClusterSettings;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster options: read into their settings, every bad value one line and no start. */
class ClusterOptionsTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... options) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        String[] args = new String[options.length + 4];
        System.arraycopy(new String[] {"0", "3", "--credentials", dir.resolve("credentials.txt").toString()},
                0, args, 0, 4);
        System.arraycopy(options, 0, args, 4, options.length);
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static ServerConfig configure(String... args) throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).setUnmatchedOptionsArePositionalParams(true).parseArgs(args);
        return main.configure();
    }

    @Test
    void withoutMembersTheServerRunsAlone() throws Exception {
        ClusterSettings cluster = configure("4000", "3", "--cluster-name", "other", "--cluster-port", "27599").cluster();
        assertFalse(cluster.enabled(), "name and port alone make no cluster");
        assertEquals(ClusterSettings.defaults(), configure("4000", "3").cluster(), "the defaults");
    }

    @Test
    void theMembersNameAndPortAreRead() throws Exception {
        ClusterSettings cluster = configure("4000", "3", "--cluster-members", "127.0.0.1:27501, 127.0.0.1:27502",
                "--cluster-name", "site-1", "--cluster-port", "27501").cluster();
        assertEquals(new ClusterSettings(List.of(new InetSocketAddress("127.0.0.1", 27501),
                new InetSocketAddress("127.0.0.1", 27502)), "site-1", 27501), cluster, "settings");
        assertTrue(cluster.enabled() && cluster.loopbackOnly(), "a cluster on this host only");
    }

    @Test
    void badValuesAreRefusedInOneLine() throws Exception {
        assertEquals(1, run("--cluster-members", "127.0.0.1"));
        assertEquals(1, run("--cluster-members", "127.0.0.1:70000"));
        assertEquals(1, run("--cluster-members", "127.0.0.1:27501,"));
        assertEquals(1, run("--cluster-name", "two words"));
        assertEquals(1, run("--cluster-port", "0"));
        String n = System.lineSeparator();
        assertEquals("Invalid cluster member: '127.0.0.1'. Each must be host:port, the port from 1 to 65535" + n
                + "Invalid cluster member: '127.0.0.1:70000'. Each must be host:port, the port from 1 to 65535" + n
                + "Invalid cluster member: ''. Each must be host:port, the port from 1 to 65535" + n
                + "Invalid cluster name: 'two words'. It must be 1 to 64 letters, digits, dots, dashes or underscores" + n
                + "Invalid cluster port: 0. The port must be an integer between 1 and 65535" + n, err.toString());
    }

    @Test
    void aTakenClusterPortStopsTheStartInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(27598, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("--data-dir", dir.resolve("data").toString(), "--device-log",
                    dir.resolve("d.txt").toString(), "--upload-log", dir.resolve("u.txt").toString(),
                    "--deletion-log", dir.resolve("x.txt").toString(), "--message-journal",
                    dir.resolve("m").toString(), "--tempid-file", dir.resolve("t.txt").toString(), "--trace-log",
                    dir.resolve("c.txt").toString(), "--cluster-members", "127.0.0.1:27598", "--cluster-port", "27598"));
        }
        assertEquals("Cannot start the cluster member: port 27598 is already in use" + System.lineSeparator(),
                err.toString());
    }
}
