package org.edgenet.server.cli;

import org.edgenet.server.EdgeServer;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code scripts/run-server.sh <server_port> <number_of_consecutive_failed_attempts> [options]}.
 * Port and attempts may also be given as {@code --port} and {@code --attempts}. Every bad argument
 * gets one line and a non-zero exit; the attempts message is the one the specification fixes.
 */
@Command(name = "run-server.sh", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
        description = "Runs the EdgeNet server.", sortOptions = false)
public final class ServerMain implements Callable<Integer> {
    /** Exit code of a bad argument or a failed start. */
    public static final int FAILED = 1;
    /** A day: longer would only keep a connection that reads nothing. */
    static final int MAX_REPLY_TIMEOUT_SECONDS = 86_400;

    // Port and attempts are taken as text and checked here: picocli's own conversion error would
    // print a usage dump, where the specification wants exactly one line.
    @Parameters(index = "0", arity = "0..1", paramLabel = "<server_port>", description = "TCP port to listen on")
    private String portArg;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<number_of_consecutive_failed_attempts>",
            description = "failed logins in a row (1-5) after which a device is blocked")
    private String attemptsArg;

    @Option(names = "--port", paramLabel = "PORT", description = "same as <server_port>")
    private String portOption;

    @Option(names = "--attempts", paramLabel = "N", description = "same as <number_of_consecutive_failed_attempts>")
    private String attemptsOption;

    @Option(names = "--block-seconds", paramLabel = "S", description = "how long a device stays blocked (default 10)")
    private String blockSeconds;

    @Option(names = "--reply-timeout-seconds", paramLabel = "S",
            description = "a device whose replies stay unread this long is disconnected (default 30)")
    private String replyTimeoutSeconds;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "local address to listen on (default: all)")
    private String bind;

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

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** A bad argument: its one-line message is all the user sees. */
    static final class ArgumentException extends Exception {
        ArgumentException(String message) {
            super(message, null, false, false);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests with their own output writers. */
    public static CommandLine commandLine() {
        // "-1" is a bad number of attempts, not an unknown option.
        return new CommandLine(new ServerMain()).setUnmatchedOptionsArePositionalParams(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(e instanceof ArgumentException || e instanceof StartupException
                    ? e.getMessage()
                    : "The server stopped: " + e);
            cmd.getErr().flush();
            return FAILED;
        });
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config = configure();
        EdgeServer server = EdgeServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("EdgeNet server listening on port " + server.port() + " (block after " + config.attempts()
                + " failed attempts for " + config.blockDuration().toSeconds() + " s)");
        if (server.messagePort() >= 0) {
            out.println("0xAE73 message port listening on " + config.messages().bind().getHostAddress() + " port "
                    + server.messagePort() + " (no authentication)");
        }
        out.flush();
        server.awaitClose();
        return 0;
    }

    /** Turns the arguments into a configuration, or says in one line what is wrong. */
    ServerConfig configure() throws ArgumentException {
        String port = pick(portArg, portOption, "server port");
        String attempts = pick(attemptsArg, attemptsOption, "number of attempts");
        if (port == null) {
            throw new ArgumentException("Missing <server_port>. Usage: run-server.sh <server_port> "
                    + "<number_of_consecutive_failed_attempts>");
        }
        ServerConfig config = ServerConfig.defaults()
                .withAttempts(parseAttempts(attempts))
                .withPort(parsePort(port));
        if (blockSeconds != null) {
            config = config.withBlockDuration(Duration.ofSeconds(parseBlockSeconds(blockSeconds)));
        }
        if (replyTimeoutSeconds != null) {
            config = config.withReplyTimeout(Duration.ofSeconds(parseReplyTimeoutSeconds(replyTimeoutSeconds)));
        }
        if (bind != null) {
            config = config.withBindAddress(parseBind(bind));
        }
        if (credentials != null) {
            config = config.withCredentialsFile(credentials);
        }
        if (dataDir != null) {
            config = config.withDataDir(dataDir);
        }
        if (deviceLog != null) {
            config = config.withDeviceLog(deviceLog);
        }
        if (uploadLog != null) {
            config = config.withUploadLog(uploadLog);
        }
        if (deletionLog != null) {
            config = config.withDeletionLog(deletionLog);
        }
        return config.withMessages(messageOptions.apply(config.messages()));
    }

    /** The positional form or the option; both may be given if they agree. */
    private static String pick(String positional, String option, String what) throws ArgumentException {
        if (positional != null && option != null && !positional.equals(option)) {
            throw new ArgumentException("The " + what + " is given twice with different values: "
                    + positional + " and " + option);
        }
        return positional != null ? positional : option;
    }

    static int parseAttempts(String arg) throws ArgumentException {
        int n = parseIntOr(arg, -1);
        if (n < ServerConfig.MIN_ATTEMPTS || n > ServerConfig.MAX_ATTEMPTS) {
            throw new ArgumentException("Invalid number of allowed failed consecutive attempts: "
                    + (arg == null ? "(missing)" : arg)
                    + ". The valid value of argument number is an integer between 1 and 5");
        }
        return n;
    }

    static int parsePort(String arg) throws ArgumentException {
        int port = parseIntOr(arg, -1);
        if (port < 0 || port > 0xFFFF) {
            throw new ArgumentException("Invalid server port: " + arg
                    + ". The port must be an integer between 1 and 65535 (0 picks a free port)");
        }
        return port;
    }

    private static long parseBlockSeconds(String arg) throws ArgumentException {
        long s;
        try {
            s = Long.parseLong(arg);
        } catch (NumberFormatException e) {
            s = -1;
        }
        if (s < 1 || s > Duration.ofDays(365).toSeconds()) {
            throw new ArgumentException("Invalid block duration: " + arg
                    + ". It must be a whole number of seconds from 1 to 31536000");
        }
        return s;
    }

    private static long parseReplyTimeoutSeconds(String arg) throws ArgumentException {
        long s = parseIntOr(arg, -1);
        if (s < 1 || s > MAX_REPLY_TIMEOUT_SECONDS) {
            throw new ArgumentException("Invalid reply timeout: " + arg
                    + ". It must be a whole number of seconds from 1 to " + MAX_REPLY_TIMEOUT_SECONDS);
        }
        return s;
    }

    private static InetAddress parseBind(String arg) throws ArgumentException {
        try {
            return InetAddress.getByName(arg);
        } catch (UnknownHostException e) {
            throw new ArgumentException("Unknown bind address: " + arg);
        }
    }

    /** Only plain decimal digits with an optional sign: no "2.5", no "0x10", no spaces. */
    private static int parseIntOr(String arg, int fallback) {
        if (arg == null || !arg.matches("[+-]?\\d{1,9}")) {
            return fallback;
        }
        return Integer.parseInt(arg);
    }

    /** The version written into the jar's manifest by the build; "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ServerMain.class.getPackage().getImplementationVersion();
            return new String[] {"EdgeNet server " + (v == null ? "dev" : v)};
        }
    }
}
