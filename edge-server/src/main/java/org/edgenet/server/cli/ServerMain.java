package org.edgenet.server.cli;

import org.edgenet.common.cli.CommandLines;
import org.edgenet.common.cli.StartupException;
import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code scripts/run-server.sh <server_port> <number_of_consecutive_failed_attempts> [options]}.
 * Port and attempts may also be given as {@code --port} and {@code --attempts}. Every bad argument
 * gets one line and a non-zero exit; the attempts message is the one the specification fixes.
 */
@Command(name = "run-server.sh", mixinStandardHelpOptions = true,
        description = "Runs the EdgeNet server.", sortOptions = false)
public final class ServerMain implements Callable<Integer> {
    /** A day: longer would only keep a connection that reads nothing. */
    static final int MAX_REPLY_TIMEOUT_SECONDS = 86_400;
    /** A year. */
    static final int MAX_BLOCK_SECONDS = 31_536_000;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<server_port>", description = "TCP port to listen on",
            converter = PortConverter.class)
    private Integer portArg;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<number_of_consecutive_failed_attempts>",
            description = "failed logins in a row (1-5) after which a device is blocked",
            converter = AttemptsConverter.class)
    private Integer attemptsArg;

    @Option(names = "--port", paramLabel = "PORT", description = "same as <server_port>",
            converter = PortConverter.class)
    private Integer portOption;

    @Option(names = "--attempts", paramLabel = "N", description = "same as <number_of_consecutive_failed_attempts>",
            converter = AttemptsConverter.class)
    private Integer attemptsOption;

    @Option(names = "--block-seconds", paramLabel = "S", description = "how long a device stays blocked (default 10)",
            converter = BlockSecondsConverter.class)
    private Integer blockSeconds;

    @Option(names = "--reply-timeout-seconds", paramLabel = "S",
            description = "a device whose replies stay unread this long is disconnected (default 30)",
            converter = ReplyTimeoutConverter.class)
    private Integer replyTimeoutSeconds;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "local address to listen on (default: all)",
            converter = BindAddressConverter.class)
    private InetAddress bind;

    @Option(names = "--credentials", paramLabel = "FILE", description = "default: credentials.txt")
    private Path credentials;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "uploaded files (default: data)")
    private Path dataDir;

    @Option(names = "--device-log", paramLabel = "FILE", description = "default: edge-device-log.txt")
    private Path deviceLog;

    @Option(names = "--upload-log", paramLabel = "FILE", description = "default: upload-log.txt")
    private Path uploadLog;

    @Option(names = "--deletion-log", paramLabel = "FILE", description = "default: deletion-log.txt")
    private Path deletionLog;

    @CommandLine.Mixin
    private MessageOptions messageOptions;

    @CommandLine.Mixin
    private TracingOptions tracingOptions;

    @CommandLine.Mixin
    private SecurityOptions securityOptions;

    @CommandLine.Mixin
    private OperationsOptions operationsOptions;

    @CommandLine.Mixin
    private ClusterOptions clusterOptions;

    @CommandLine.Mixin
    private HttpOptions httpOptions;

    @CommandLine.Mixin
    private MetricsOptions metricsOptions;

    @Option(names = "--config", paramLabel = "FILE",
            description = "settings as key=value lines, keys the options without dashes; the command line wins"
                    + " (default: config/edge-server.properties when present)")
    private Path configFile;

    /** The file whose values are this instance's defaults; null before it has been read. */
    private Path readFrom;
    /** The config file {@link #configure()} used; null when none. */
    private Path settingsFrom;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        useCommonPoolOnFewCores();
        int code = commandLine().execute(args);
        ConsoleLog.flush();
        System.exit(code);
    }

    static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * With fewer than three cores the JVM's common pool gets one thread, and then both the JDK's
     * CompletableFuture and Hazelcast's futures run every asynchronous callback on a new thread of
     * its own: in cluster mode that was a thread per join and per leave. Two threads at least make
     * them use the pool. Only before anything has touched the pool, so first thing in main.
     */
    static void useCommonPoolOnFewCores() {
        if (System.getProperty(COMMON_PARALLELISM) == null) {
            System.setProperty(COMMON_PARALLELISM,
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /** The configured command line, also used by tests with their own output writers. */
    public static CommandLine commandLine() {
        // The server logs to the console, so an unexpected failure is one line here too.
        return CommandLines.create(new ServerMain(), "EdgeNet server", e -> "The server stopped: " + e)
                // "-1" is a bad number of attempts, not an unknown option.
                .setUnmatchedOptionsArePositionalParams(true);
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config = configure();
        EdgeServer server = EdgeServer.start(config);
        // Any other exit of the JVM still closes the files; Ctrl+C and SIGTERM drain first and exit 0.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            ConsoleLog.flush();
        }, "shutdown"));
        StopSignals.install(server::close);
        PrintWriter out = spec.commandLine().getOut();
        out.println("EdgeNet server listening on port " + server.port() + " (block after " + config.attempts()
                + " failed attempts for " + config.blockDuration().toSeconds() + " s"
                + (settingsFrom == null ? "" : "; settings from " + settingsFrom) + ")");
        if (server.messagePort() >= 0) {
            out.println("0xAE73 message port listening on " + config.messages().bind().getHostAddress() + " port "
                    + server.messagePort() + " (no authentication)");
        }
        if (server.httpPort() >= 0) {
            String host = config.http().bind().getHostAddress();
            out.println("Dashboard at http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + server.httpPort() + "/" + (config.http().token().isPresent() ? " (needs the HTTP token)" : ""));
        }
        out.flush();
        server.awaitClose();
        return 0;
    }

    /**
     * Turns the arguments, over the config file's values, into a configuration, or says in one line
     * what is missing or wrong.
     */
    ServerConfig configure() throws StartupException {
        if (readFrom == null) {
            Optional<Path> file = ConfigFile.choose(configFile);
            if (file.isPresent()) {
                settingsFrom = file.get();
                return withDefaultsFrom(file.get()).configure();
            }
        }
        // A positional argument wins over the file's --port or --attempts; only one typed twice disagrees.
        Integer port = CommandLines.positionalOrOption(portArg, typed("--port", portArg, portOption), "server port");
        Integer attempts = CommandLines.positionalOrOption(attemptsArg, typed("--attempts", attemptsArg,
                attemptsOption), "number of attempts");
        if (port == null) {
            throw new StartupException("Missing <server_port>. Usage: run-server.sh <server_port> "
                    + "<number_of_consecutive_failed_attempts>");
        }
        if (attempts == null) {
            throw new StartupException(AttemptsConverter.REFUSAL.replace("%s", "(missing)"));
        }
        ServerConfig.Builder config = ServerConfig.builder().port(port).attempts(attempts);
        ifGiven(blockSeconds, seconds -> config.blockDuration(Duration.ofSeconds(seconds)));
        ifGiven(replyTimeoutSeconds, seconds -> config.replyTimeout(Duration.ofSeconds(seconds)));
        ifGiven(bind, config::bindAddress);
        ifGiven(credentials, config::credentialsFile);
        ifGiven(dataDir, config::dataDir);
        ifGiven(deviceLog, config::deviceLog);
        ifGiven(uploadLog, config::uploadLog);
        ifGiven(deletionLog, config::deletionLog);
        return config.tracing(tracingOptions.settings()).security(securityOptions.settings())
                .messages(messageOptions.settings()).operations(operationsOptions.settings())
                .cluster(clusterOptions.settings()).http(httpOptions.settings())
                .metrics(metricsOptions.settings()).build();
    }

    /** The same arguments parsed again, with the values of {@code file} as their defaults. */
    private ServerMain withDefaultsFrom(Path file) throws StartupException {
        ServerMain main = new ServerMain();
        CommandLine cmd = parser(main);
        Properties settings = ConfigFile.load(file, cmd.getCommandSpec(), () -> parser(new ServerMain()));
        cmd.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(settings));
        try {
            cmd.parseArgs(spec.commandLine().getParseResult().originalArgs().toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            // The arguments were parsed once already; only a value of the file can fail here.
            throw new StartupException("Config file " + file + ": " + ConfigFile.reason(e), e);
        }
        main.readFrom = file;
        return main;
    }

    private static CommandLine parser(ServerMain main) {
        return new CommandLine(main).setUnmatchedOptionsArePositionalParams(true);
    }

    /** The option's value when it was typed, or came from the file with no positional argument. */
    private <T> T typed(String option, T positional, T value) {
        if (positional == null || spec.commandLine().getParseResult().hasMatchedOption(option)) {
            return value;
        }
        return null;
    }

    /** An option left out keeps the configuration's default. */
    private static <T> void ifGiven(T option, Consumer<T> setting) {
        if (option != null) {
            setting.accept(option);
        }
    }

    static final class PortConverter extends WholeNumberConverter {
        PortConverter() {
            super(0, 0xFFFF, "Invalid server port: %s. The port must be an integer between 1 and 65535"
                    + " (0 picks a free port)");
        }
    }

    /** The specification's own message. */
    static final class AttemptsConverter extends WholeNumberConverter {
        static final String REFUSAL = "Invalid number of allowed failed consecutive attempts: %s."
                + " The valid value of argument number is an integer between 1 and 5";

        AttemptsConverter() {
            super(ServerConfig.MIN_ATTEMPTS, ServerConfig.MAX_ATTEMPTS, REFUSAL);
        }
    }

    static final class BlockSecondsConverter extends WholeNumberConverter {
        BlockSecondsConverter() {
            super(1, MAX_BLOCK_SECONDS, "Invalid block duration: %s. It must be a whole number of seconds from 1 to "
                    + MAX_BLOCK_SECONDS);
        }
    }

    static final class ReplyTimeoutConverter extends WholeNumberConverter {
        ReplyTimeoutConverter() {
            super(1, MAX_REPLY_TIMEOUT_SECONDS, "Invalid reply timeout: %s. It must be a whole number of seconds"
                    + " from 1 to " + MAX_REPLY_TIMEOUT_SECONDS);
        }
    }

    static final class BindAddressConverter extends AddressConverter {
        BindAddressConverter() {
            super("bind address");
        }
    }
}
