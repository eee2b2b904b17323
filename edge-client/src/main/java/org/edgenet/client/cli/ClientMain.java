package org.edgenet.client.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.console.Console;
import org.edgenet.client.console.ConsoleInput;
import org.edgenet.client.console.Terminal;
import org.edgenet.client.console.TransferAnnouncer;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.p2p.PeerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Starts a device: {@code <server_host> <server_port> <client_udp_server_port>}, or the same as
 * options. Binds the UDP port first (so a taken port stops the start), connects to the server
 * and hands over to the {@link Console}. Start-up problems print one line and exit non-zero.
 */
@Command(name = "run-client.sh", mixinStandardHelpOptions = true, versionProvider = ClientMain.Version.class,
        description = "An EdgeNet edge device: joins the server, generates, uploads and shares data.")
public final class ClientMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ClientMain.class);

    /** Exit code for start-up failures; picocli uses 2 for bad arguments. */
    static final int FAILED = 1;
    /** A day: longer than any reply can sensibly take. */
    static final int MAX_REPLY_TIMEOUT_SECONDS = 86_400;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<server_host>", description = "server host name or IP address")
    String hostArgument;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<server_port>", description = "server TCP port")
    String portArgument;

    @Parameters(index = "2", arity = "0..1", paramLabel = "<client_udp_server_port>",
            description = "UDP port this device listens on for peer uploads (UVF)")
    String udpPortArgument;

    @Option(names = "--host", paramLabel = "<host>", description = "server host, instead of the first argument")
    String hostOption;

    @Option(names = "--port", paramLabel = "<port>", description = "server port, instead of the second argument")
    String portOption;

    @Option(names = "--udp-port", paramLabel = "<port>", description = "UDP port, instead of the third argument")
    String udpPortOption;

    @Option(names = "--dir", paramLabel = "<dir>", defaultValue = ".",
            description = "directory of the device's files (EDG, UED, UVF); default: the working directory")
    Path dir;

    @Option(names = "--reply-timeout", paramLabel = "<seconds>", defaultValue = "30",
            description = "how long to wait for a reply before asking whether to keep waiting; 0 waits for ever"
                    + " (default: ${DEFAULT-VALUE})")
    String replyTimeoutOption;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    public ClientMain() {
        this(System.in);
    }

    ClientMain(InputStream stdin) {
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new ClientMain()).execute(args));
    }

    /** The command line with the one-line error handling of the product. */
    static CommandLine commandLine(ClientMain main) {
        CommandLine cmd = new CommandLine(main);
        cmd.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println(e.getMessage() + " (see --help)");
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        cmd.setExecutionExceptionHandler((e, command, parsed) -> {
            if (!(e instanceof StartupException)) {
                log.error("The client failed", e);
            }
            command.getErr().println(e.getMessage() != null ? e.getMessage() : e.toString());
            return FAILED;
        });
        return cmd;
    }

    @Override
    public Integer call() throws Exception {
        String host = pick("server host", hostArgument, hostOption);
        int serverPort = port("server port", pick("server port", portArgument, portOption));
        int udpPort = port("UDP port", pick("UDP port", udpPortArgument, udpPortOption));
        Duration replyTimeout = replyTimeout(replyTimeoutOption);
        if (!Files.isDirectory(dir)) {
            throw new StartupException("The client directory " + dir + " does not exist");
        }
        // Resolved here, on the main thread, so that the event loop never blocks on DNS and a
        // bad name gets its own message rather than a generic connect failure.
        InetAddress serverAddress;
        try {
            serverAddress = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new StartupException("Cannot resolve server host " + host);
        }

        PrintWriter out = spec.commandLine().getOut();
        Terminal terminal = new Terminal(out);
        // One group for the server connection and both UDP sockets: a device needs little.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try (PeerNode peerNode = bindUdp(group, udpPort, terminal)) {
            EdgeClient client = connect(group, serverAddress, host, serverPort);
            client.onTicket(peerNode::admit);
            log.info("Connected to the server at {}:{}, listening on UDP {}, files in {}",
                    host, serverPort, udpPort, dir.toAbsolutePath().normalize());
            try {
                return new Console(client, peerNode::send, udpPort, dir, input(), terminal, replyTimeout).run();
            } finally {
                client.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private PeerNode bindUdp(EventLoopGroup group, int udpPort, Terminal terminal) {
        try {
            return PeerNode.bind(group, udpPort, dir, new TransferAnnouncer(terminal));
        } catch (Exception e) {
            log.info("Cannot bind UDP port {}: {}", udpPort, e.toString());
            // The JDK says "Address already in use"; other bind failures (e.g. a privileged port)
            // keep their own reason.
            if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
                throw new StartupException("UDP port " + udpPort + " is already in use");
            }
            throw new StartupException("Cannot listen on UDP port " + udpPort + ": " + e.getMessage());
        }
    }

    private static EdgeClient connect(EventLoopGroup group, InetAddress address, String host, int port)
            throws InterruptedException {
        try {
            return EdgeClient.connect(group, new InetSocketAddress(address, port)).get();
        } catch (ExecutionException e) {
            log.info("Cannot connect to {}:{}: {}", host, port, e.getCause().toString());
            throw new StartupException("Cannot connect to the server at " + host + ":" + port);
        }
    }

    /** A terminal when there is one (passwords unechoed), else standard input as lines. */
    private ConsoleInput input() {
        java.io.Console console = System.console();
        if (console != null && stdin == System.in) {
            return ConsoleInput.of(console);
        }
        return ConsoleInput.of(new BufferedReader(new InputStreamReader(stdin, Charset.defaultCharset())));
    }

    /** One value given as an argument or as an option; both must agree. */
    private static String pick(String what, String argument, String option) {
        if (argument != null && option != null && !argument.equals(option)) {
            throw new StartupException("The " + what + " is given twice, as " + argument + " and " + option);
        }
        String value = argument != null ? argument : option;
        if (value == null) {
            throw new StartupException("Missing " + what
                    + ". Usage: run-client.sh <server_host> <server_port> <client_udp_server_port>");
        }
        return value;
    }

    private static int port(String what, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the range.
        }
        throw new StartupException("Invalid " + what + ": " + value + ". A port is an integer between 1 and 65535");
    }

    private static Duration replyTimeout(String value) {
        if (value.matches("\\d{1,5}")) {
            int seconds = Integer.parseInt(value);
            if (seconds <= MAX_REPLY_TIMEOUT_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        }
        throw new StartupException("Invalid reply time-out: " + value + ". It is a whole number of seconds from 0"
                + " (wait for ever) to " + MAX_REPLY_TIMEOUT_SECONDS);
    }

    /** A start-up problem the user can fix; its message is the whole story. */
    static final class StartupException extends RuntimeException {
        StartupException(String message) {
            super(message, null, false, false);
        }
    }

    /** The version from the jar's manifest; "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ClientMain.class.getPackage().getImplementationVersion();
            return new String[] {"EdgeNet client " + (v == null ? "dev" : v)};
        }
    }
}
