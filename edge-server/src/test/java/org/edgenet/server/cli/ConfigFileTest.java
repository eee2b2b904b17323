package org.edgenet.server.cli;

import org.edgenet.server.ClusterSettings;
import org.edgenet.server.MessageSettings;
import org.edgenet.server.OperationsSettings;
import org.edgenet.server.SecuritySettings;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFileTest {
    /** The shipped file, seen from the module's directory, where the tests run. */
    private static final Path SHIPPED = Path.of("..", "config", "edge-server.properties");
    /** A listed key: {@code #key=value} at the start of a line. */
    private static final Pattern KEY_LINE = Pattern.compile("^#?([a-z][a-z0-9-]*)=(.*)$");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private static ServerConfig configure(String... args) throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).setUnmatchedOptionsArePositionalParams(true).parseArgs(args);
        return main.configure();
    }

    private static Path write(Path dir, String... lines) throws Exception {
        Path file = dir.resolve("server.properties");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    private static Set<String> shippedKeys() throws Exception {
        Set<String> keys = new TreeSet<>();
        for (String line : Files.readAllLines(SHIPPED, StandardCharsets.UTF_8)) {
            Matcher m = KEY_LINE.matcher(line);
            if (m.matches()) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }

    @Test
    void everyOptionOfTheCommandLineHasAKeyInTheShippedFileAndEveryKeyIsAnOption() throws Exception {
        Set<String> options = ConfigFile.keys(new CommandLine(new ServerMain()).getCommandSpec());
        Set<String> listed = shippedKeys();
        Set<String> missing = new TreeSet<>(options);
        missing.removeAll(listed);
        Set<String> unknown = new TreeSet<>(listed);
        unknown.removeAll(options);
        assertEquals(Set.of(), missing, "options without a key in " + SHIPPED + ": add a commented line for each");
        assertEquals(Set.of(), unknown, "keys in " + SHIPPED + " that are no option");
        assertTrue(options.contains("idle-timeout-seconds") && options.contains("port"), options.toString());
    }

    @Test
    void theShippedDefaultsAreTheBuiltInOnes(@TempDir Path dir) throws Exception {
        // Uncommented, the shipped file must load and change nothing but the examples: message port, TLS pair,
        // HTTP token, cluster members and balancer.
        String uncommented = Files.readAllLines(SHIPPED, StandardCharsets.UTF_8).stream()
                .map(line -> KEY_LINE.matcher(line).matches() ? line.substring(1) : line)
                .collect(Collectors.joining("\n"));
        Path file = dir.resolve("all.properties");
        Files.writeString(file, uncommented);
        ServerConfig fromFile = configure("--config", file.toString());
        ServerConfig builtIn = configure("4000", "3");
        assertEquals(4001, fromFile.messages().port(), "the example message port");
        SecuritySettings tls = builtIn.security().withTls(Path.of("config/tls/edge-server.crt"),
                Path.of("config/tls/edge-server.key"));
        assertEquals(3, fromFile.cluster().members().size(), "the example cluster members");
        ClusterSettings cluster = new ClusterSettings(fromFile.cluster().members(), builtIn.cluster().name(),
                builtIn.cluster().port());
        assertEquals(Set.of(InetAddress.getByName("10.0.0.5")), fromFile.operations().balancers(), "the example balancer");
        assertEquals(builtIn.toBuilder().messages(builtIn.messages().withPort(4001)).security(tls).cluster(cluster)
                        .operations(builtIn.operations().withBalancers(fromFile.operations().balancers()))
                        .http(builtIn.http().withToken("replace-with-a-long-random-string"))
                        .clock(fromFile.clock())
                        .zone(fromFile.zone()).bindAddress(fromFile.bindAddress()).build(), fromFile,
                "every listed default is the built-in one");
        assertTrue(fromFile.bindAddress().isAnyLocalAddress(), "0.0.0.0 is every interface");
    }

    @Test
    void theFileSetsWhatTheCommandLineLeavesOut(@TempDir Path dir) throws Exception {
        Path file = write(dir, "# a comment", "port=4100", "attempts = 4", "idle-timeout-seconds=0",
                "max-connections=50", "max-pending-logins-per-ip=7", "maintenance-minutes=1", "drain-seconds=3  ",
                "message-limit=20", "data-dir=store");
        ServerConfig c = configure("--config", file.toString());
        assertEquals(4100, c.port());
        assertEquals(4, c.attempts());
        assertEquals(new OperationsSettings(50, 7, Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(3)),
                c.operations());
        assertEquals(20, c.messages().perRecipient());
        assertEquals(Path.of("store"), c.dataDir());
        assertEquals(MessageSettings.defaults().journal(), c.messages().journal(), "not in the file: built-in");
    }

    @Test
    void theCommandLineWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = write(dir, "port=4100", "attempts=4", "idle-timeout-seconds=60", "block-seconds=99");
        ServerConfig typed = configure("--config", file.toString(), "--idle-timeout-seconds", "30", "--port", "4200");
        assertEquals(4200, typed.port());
        assertEquals(Duration.ofSeconds(30), typed.operations().idleTimeout());
        assertEquals(Duration.ofSeconds(99), typed.blockDuration(), "from the file");

        ServerConfig positional = configure("4300", "2", "--config", file.toString());
        assertEquals(4300, positional.port(), "the positional port wins over port=");
        assertEquals(2, positional.attempts(), "the positional attempts win over attempts=");
    }

    @Test
    void theServerStartsFromTheFileAlone(@TempDir Path dir) throws Exception {
        Path file = write(dir, "port=0", "attempts=3", "credentials=" + dir.resolve("missing.txt"));
        // The start goes as far as the credentials: port and attempts came from the file.
        assertEquals(1, run("--config", file.toString()));
        assertEquals("Credentials file " + dir.resolve("missing.txt") + " does not exist" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void anUnknownKeyStopsTheStartWithFileKeyAndReasonInOneLine(@TempDir Path dir) throws Exception {
        Path file = write(dir, "port=4000", "attempts=3", "idle-timeout=30");
        assertEquals(1, run("--config", file.toString()), "exit code");
        assertEquals("Config file " + file + ", key idle-timeout: unknown key (the keys are the long options without"
                + " their dashes; see --help)" + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aBadValueStopsTheStartWithFileKeyAndTheOptionsOwnReason(@TempDir Path dir) throws Exception {
        Path file = write(dir, "port=4000", "attempts=3", "idle-timeout-seconds=-1");
        assertEquals(1, run("--config", file.toString()), "exit code");
        assertEquals("Config file " + file + ", key idle-timeout-seconds: Invalid idle time-out: -1. It must be a"
                + " whole number of seconds from 0 (never) to 86400" + System.lineSeparator(), err.toString());
    }

    @Test
    void aBadAttemptsValueInTheFileGetsTheSpecifiedSentence(@TempDir Path dir) throws Exception {
        Path file = write(dir, "port=4000", "attempts=9");
        assertEquals(1, run("--config", file.toString()));
        assertEquals("Config file " + file + ", key attempts: Invalid number of allowed failed consecutive attempts: 9."
                + " The valid value of argument number is an integer between 1 and 5" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void anEmptyValueIsRefusedRatherThanTakenAsTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Path file = write(dir, "port=4000", "attempts=3", "data-dir=  ");
        assertEquals(1, run("--config", file.toString()));
        assertEquals("Config file " + file + ", key data-dir: no value (leave the key out for its default)"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void aConfigFileThatIsNotThereIsOneLine(@TempDir Path dir) {
        Path file = dir.resolve("nope.properties");
        assertEquals(1, run("4000", "3", "--config", file.toString()));
        assertEquals("Config file " + file + " does not exist" + System.lineSeparator(), err.toString());
    }

    @Test
    void theConfigKeyItselfIsNoSetting(@TempDir Path dir) throws Exception {
        Path file = write(dir, "config=other.properties");
        assertEquals(1, run("4000", "3", "--config", file.toString()));
        assertTrue(err.toString().startsWith("Config file " + file + ", key config: unknown key"), err.toString());
    }
}
