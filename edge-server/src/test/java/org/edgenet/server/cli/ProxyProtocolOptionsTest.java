package org.edgenet.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --proxy-protocol-from}: IP addresses read into the settings, anything else one line and no start. */
class ProxyProtocolOptionsTest {
    @TempDir
    Path dir;

    private static Set<InetAddress> balancers(String... args) throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).setUnmatchedOptionsArePositionalParams(true).parseArgs(args);
        return main.configure().operations().balancers();
    }

    @Test
    void addressesOfBothFamiliesAreRead() throws Exception {
        assertEquals(Set.of(InetAddress.getByName("10.0.0.5"), InetAddress.getByName("fd00::7")),
                balancers("4000", "3", "--proxy-protocol-from", "10.0.0.5, fd00::7"));
        assertEquals(Set.of(), balancers("4000", "3"), "none by default");
    }

    @Test
    void aNameOrAnEmptyPartIsRefusedInOneLine() throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        StringWriter err = new StringWriter();
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter(), true)).setErr(new PrintWriter(err, true));
        String credentials = dir.resolve("credentials.txt").toString();

        assertEquals(1, cmd.execute("0", "3", "--credentials", credentials, "--proxy-protocol-from", "balancer.local"));
        assertEquals(1, cmd.execute("0", "3", "--credentials", credentials, "--proxy-protocol-from", "10.0.0.5,"));
        String n = System.lineSeparator();
        assertEquals("Invalid balancer address: 'balancer.local'. It must be an IP address, e.g. 10.0.0.5" + n
                + "Invalid balancer address: ''. It must be an IP address, e.g. 10.0.0.5" + n, err.toString());
    }
}
