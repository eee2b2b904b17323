package org.edgenet.server.cli;

import org.edgenet.server.MessageSettings;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "6", "2.5", "abc", "-1", "", "3 "})
    void aBadNumberOfAttemptsPrintsTheSpecifiedMessage(String attempts) {
        int code = run("4000", attempts);
        assertTrue(code != 0, "non-zero exit");
        assertEquals("Invalid number of allowed failed consecutive attempts: " + attempts
                + ". The valid value of argument number is an integer between 1 and 5" + System.lineSeparator(),
                err.toString(), "exactly one line, no usage, no stack trace");
        assertEquals("", out.toString());
    }

    @Test
    void theCommonPoolGetsAtLeastTwoThreadsUnlessTheOperatorChoseANumber() {
        String before = System.getProperty(ServerMain.COMMON_PARALLELISM);
        try {
            System.clearProperty(ServerMain.COMMON_PARALLELISM);
            ServerMain.useCommonPoolOnFewCores();
            assertTrue(Integer.parseInt(System.getProperty(ServerMain.COMMON_PARALLELISM)) >= 2,
                    "two threads at least, so that no callback gets a thread of its own");

            System.setProperty(ServerMain.COMMON_PARALLELISM, "1");
            ServerMain.useCommonPoolOnFewCores();
            assertEquals("1", System.getProperty(ServerMain.COMMON_PARALLELISM), "the operator's -D stays");
        } finally {
            if (before == null) {
                System.clearProperty(ServerMain.COMMON_PARALLELISM);
            } else {
                System.setProperty(ServerMain.COMMON_PARALLELISM, before);
            }
        }
    }

    @Test
    void missingAttemptsPrintsTheSpecifiedMessage() {
        assertTrue(run("4000") != 0, "non-zero exit");
        assertEquals("Invalid number of allowed failed consecutive attempts: (missing)"
                + ". The valid value of argument number is an integer between 1 and 5" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void theAttemptsOptionIsChecked() {
        assertTrue(run("--port", "4000", "--attempts", "9") != 0, "non-zero exit");
        assertTrue(err.toString().startsWith("Invalid number of allowed failed consecutive attempts: 9."), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "70000", "-5", "4000.0"})
    void aBadPortIsOneClearLine(String port) {
        assertTrue(run(port, "3") != 0, "non-zero exit");
        String text = err.toString();
        assertTrue(text.startsWith("Invalid server port: " + port + "."), text);
        assertEquals(1, text.lines().count(), "one line");
    }

    @Test
    void noArgumentsAtAllSaysWhatIsMissing() {
        assertTrue(run() != 0, "non-zero exit");
        assertTrue(err.toString().startsWith("Missing <server_port>."), err.toString());
    }

    @Test
    void disagreeingPositionalAndOptionAreRefused() {
        assertTrue(run("4000", "3", "--port", "4001") != 0, "non-zero exit");
        assertTrue(err.toString().contains("given twice"), err.toString());
    }

    @Test
    void anUnreadableCredentialsFileIsOneClearLine(@TempDir Path dir) {
        Path missing = dir.resolve("nope.txt");
        assertTrue(run("0", "3", "--credentials", missing.toString()) != 0, "non-zero exit");
        assertEquals("Credentials file " + missing + " does not exist" + System.lineSeparator(), err.toString());
    }

    @Test
    void aPortInUseIsOneClearLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> args = new ArrayList<>(List.of(String.valueOf(taken.getLocalPort()), "3",
                    "--bind", "127.0.0.1",
                    "--credentials", dir.resolve("credentials.txt").toString(),
                    "--data-dir", dir.resolve("data").toString(),
                    "--device-log", dir.resolve("edge-device-log.txt").toString(),
                    "--upload-log", dir.resolve("upload-log.txt").toString(),
                    "--deletion-log", dir.resolve("deletion-log.txt").toString(),
                    "--message-journal", dir.resolve("messages").toString(),
                    "--tempid-file", dir.resolve("tempIDs.txt").toString(),
                    "--trace-log", dir.resolve("contact-trace-log.txt").toString()));
            assertTrue(run(args.toArray(String[]::new)) != 0, "non-zero exit");
        }
        String text = err.toString();
        assertTrue(text.contains("already in use"), text);
        assertEquals(1, text.lines().count(), "one line");
    }

    @Test
    void theReplyTimeoutIsTakenInSeconds() throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs("4000", "3", "--reply-timeout-seconds", "5");
        assertEquals(Duration.ofSeconds(5), main.configure().replyTimeout());
        ServerMain defaults = new ServerMain();
        new CommandLine(defaults).parseArgs("4000", "3");
        assertEquals(Duration.ofSeconds(30), defaults.configure().replyTimeout(), "30 s unless given");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "1.5", "abc", "86401"})
    void aBadReplyTimeoutIsOneClearLine(String seconds) {
        assertTrue(run("4000", "3", "--reply-timeout-seconds", seconds) != 0, "non-zero exit");
        assertEquals("Invalid reply timeout: " + seconds + ". It must be a whole number of seconds from 1 to 86400"
                + System.lineSeparator(), err.toString(), "exactly one line");
    }

    @Test
    void anExtraArgumentIsOneLineWithoutAUsageDump() {
        assertEquals(2, run("4000", "3", "extra"), "picocli's code for invalid input");
        assertEquals("Unmatched argument at index 2: 'extra' (see --help)" + System.lineSeparator(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "31536001", "1.5", "ten"})
    void aBadBlockDurationIsOneClearLine(String seconds) {
        assertEquals(1, run("4000", "3", "--block-seconds", seconds), "exit code");
        assertEquals("Invalid block duration: " + seconds + ". It must be a whole number of seconds from 1 to 31536000"
                + System.lineSeparator(), err.toString(), "exactly one line");
    }

    @Test
    void anUnknownBindAddressIsOneClearLine() {
        assertEquals(1, run("4000", "3", "--bind", "no-such-host.invalid"), "exit code");
        assertEquals("Unknown bind address: no-such-host.invalid" + System.lineSeparator(), err.toString());
    }

    @Test
    void theBlockDurationAndBindAddressReachTheConfiguration() throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs("--port", "+4000", "--attempts", "5", "--block-seconds", "60",
                "--bind", "127.0.0.1");
        ServerConfig config = main.configure();
        assertEquals(4000, config.port());
        assertEquals(5, config.attempts());
        assertEquals(Duration.ofSeconds(60), config.blockDuration());
        assertEquals(InetAddress.getLoopbackAddress(), config.bindAddress());
    }

    @Test
    void theMessageOptionsSetTheMessageSettings() throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs("4000", "3", "--message-port", "5000", "--message-bind", "0.0.0.0",
                "--message-limit", "20", "--message-store-mib", "3", "--message-journal", "mail");
        MessageSettings m = main.configure().messages();
        assertEquals(new MessageSettings(5000, InetAddress.getByName("0.0.0.0"), 20, 3L << 20, Path.of("mail")), m);

        ServerMain defaults = new ServerMain();
        new CommandLine(defaults).parseArgs("4000", "3");
        MessageSettings d = defaults.configure().messages();
        assertFalse(d.listens(), "no message port unless asked");
        assertTrue(d.bind().isLoopbackAddress(), "loopback by default");
        assertEquals(10_000, d.perRecipient());
        assertEquals(1L << 30, d.totalBytes());
    }

    @ParameterizedTest
    @CsvSource({
            "--message-port, 70000, Invalid message port: 70000. The port must be an integer between 1 and 65535 (0 picks a free port)",
            "--message-port, -1, Invalid message port: -1. The port must be an integer between 1 and 65535 (0 picks a free port)",
            "--message-limit, 0, Invalid message limit: 0. It must be a whole number of messages from 1 to 100000000",
            "--message-limit, ten, Invalid message limit: ten. It must be a whole number of messages from 1 to 100000000",
            "--message-store-mib, 0, Invalid message store size: 0. It must be a whole number of MiB from 1 to 1048576",
            "--message-bind, no.such.host.invalid, Unknown message bind address: no.such.host.invalid"})
    void aBadMessageOptionIsOneClearLine(String option, String value, String message) {
        assertTrue(run("4000", "3", option, value) != 0, "non-zero exit");
        assertEquals(message + System.lineSeparator(), err.toString(), "exactly one line");
    }

    @Test
    void helpShowsUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("<server_port>"), out.toString());
        assertTrue(out.toString().contains("--block-seconds"), out.toString());
    }

    @Test
    void versionFallsBackToDevOutsideTheJar() {
        assertEquals(0, run("--version"));
        assertEquals("EdgeNet server dev" + System.lineSeparator(), out.toString());
        assertFalse(out.toString().isBlank(), "prints a version");
    }
}
