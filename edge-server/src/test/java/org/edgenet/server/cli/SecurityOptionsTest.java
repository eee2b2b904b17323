package org.edgenet.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The TLS and credential options: every bad value is one line and no start. */
class SecurityOptionsTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... options) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        String[] args = new String[options.length + 12];
        System.arraycopy(new String[] {"0", "3", "--credentials", dir.resolve("credentials.txt").toString(),
                "--data-dir", dir.resolve("data").toString(), "--device-log", dir.resolve("d.txt").toString(),
                "--upload-log", dir.resolve("u.txt").toString(), "--deletion-log", dir.resolve("x.txt").toString()},
                0, args, 0, 12);
        System.arraycopy(options, 0, args, 12, options.length);
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void aCertificateWithoutAKeyIsRefused() throws Exception {
        assertEquals(1, run("--tls-cert", dir.resolve("c.pem").toString()));
        assertEquals("--tls-cert needs --tls-key" + System.lineSeparator(), err.toString());
    }

    @Test
    void aMissingOrBadPemFileStopsTheStartWithOneLine() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, "not a certificate\n");
        Files.writeString(key, "not a key\n");

        assertEquals(1, run("--tls-cert", dir.resolve("missing.pem").toString(), "--tls-key", key.toString()));
        assertEquals(1, run("--tls-cert", cert.toString(), "--tls-key", key.toString()));

        String[] lines = err.toString().split(System.lineSeparator());
        assertEquals(2, lines.length, err.toString());
        assertEquals("TLS file " + dir.resolve("missing.pem") + " does not exist", lines[0]);
        assertEquals(true, lines[1].startsWith("Cannot use TLS certificate " + cert + " with key " + key + ": "),
                lines[1]);
    }

    @Test
    void badNumbersAreRefusedWithTheirRange() throws Exception {
        assertEquals(1, run("--password-check-threads", "0"));
        assertEquals(1, run("--credentials-poll-seconds", "-1"));
        assertEquals(String.join(System.lineSeparator(),
                "Invalid number of password check threads: 0. It must be a whole number from 1 to 64",
                "Invalid credentials poll interval: -1. It must be a whole number of seconds from 0 (never) to 86400",
                ""), err.toString());
    }
}
