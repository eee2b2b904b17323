package org.edgenet.client.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.console.Console;
import org.edgenet.client.console.ConsoleInput;
import org.edgenet.client.console.LineTerminal;
import org.edgenet.client.console.Terminal;
import org.edgenet.client.console.TransferAnnouncer;
import org.edgenet.client.net.ClientTls;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.console.TraceAnnouncer;
import org.edgenet.client.net.TlsFailedException;
import org.edgenet.client.p2p.PeerNode;
import org.edgenet.client.p2p.PeerOptions;
import org.edgenet.client.trace.BeaconReceiver;
import org.edgenet.client.trace.Tracer;
import org.edgenet.common.cli.CommandLines;
import org.edgenet.common.cli.StartupException;
import org.edgenet.common.cli.WholeNumberConverter;
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
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Starts a device: {@code <server_host> <server_port> <client_udp_server_port>}, or the same as
 * options. Binds the UDP port first (so a taken port stops the start), connects to the server
 * and hands over to the {@link Console}. Start-up problems print one line and exit non-zero.
 */
@Command(name = "run-client.sh", mixinStandardHelpOptions = true,
        description = "An EdgeNet edge device: joins the server, generates, uploads and shares data.")
public final class ClientMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ClientMain.class);

    /** A day: longer than any reply can sensibly take. */
    static final int MAX_REPLY_TIMEOUT_SECONDS = 86_400;
    static final String DEFAULT_DIR = ".";
    static final int DEFAULT_REPLY_TIMEOUT_SECONDS = 30;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<server_host>", description = "server host name or IP address")
    String hostArgument;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<server_port>", description = "server TCP port",
            converter = ServerPortConverter.class)
    Integer portArgument;

    @Parameters(index = "2", arity = "0..1", paramLabel = "<client_udp_server_port>",
            description = "UDP port this device listens on for peer uploads (UVF)", converter = UdpPortConverter.class)
    Integer udpPortArgument;

    @Option(names = "--host", paramLabel = "<host>", description = "server host, instead of the first argument")
    String hostOption;

    @Option(names = "--port", paramLabel = "<port>", description = "server port, instead of the second argument",
            converter = ServerPortConverter.class)
    Integer portOption;

    @Option(names = "--udp-port", paramLabel = "<port>", description = "UDP port, instead of the third argument",
            converter = UdpPortConverter.class)
    Integer udpPortOption;

    // Fields start at their defaults too: PlainArguments fills only the three arguments.
    @Option(names = "--dir", paramLabel = "<dir>", defaultValue = DEFAULT_DIR,
            description = "directory of the device's files (EDG, UED, UVF, DLD); default: the working directory")
    Path dir = Path.of(DEFAULT_DIR);

    @Option(names = "--reply-timeout", paramLabel = "<seconds>", defaultValue = "" + DEFAULT_REPLY_TIMEOUT_SECONDS,
            description = "how long to wait for a reply before asking whether to keep waiting; 0 waits for ever"
                    + " (default: ${DEFAULT-VALUE})", converter = ReplyTimeoutConverter.class)
    int replyTimeoutSeconds = DEFAULT_REPLY_TIMEOUT_SECONDS;

    @CommandLine.Mixin
    TracingOptions tracing = new TracingOptions();

    @CommandLine.Mixin
    TlsOptions tlsOptions = new TlsOptions();

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
        ClientMain main = new ClientMain();
        System.exit(PlainArguments.fill(args, main) ? main.callAlone() : commandLine(main).execute(args));
    }

    /** {@link #call()} without picocli around it, its failures handled as {@link #commandLine} does. */
    int callAlone() {
        try {
            return call();
        } catch (Exception e) {
            PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
            err.println(e instanceof StartupException ? e.getMessage() : unexpected(e));
            return CommandLines.FAILED;
        }
    }

    /** The command line with the one-line error handling of the product. */
    static CommandLine commandLine(ClientMain main) {
        // The log is a file, so an unexpected failure keeps its stack trace there.
        return CommandLines.create(main, "EdgeNet client", ClientMain::unexpected);
    }

    private static String unexpected(Exception e) {
        log.error("The client failed", e);
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Override
    public Integer call() throws Exception {
        String host = required("server host", hostArgument, hostOption);
        int serverPort = required("server port", portArgument, portOption);
        int udpPort = required("UDP port", udpPortArgument, udpPortOption);
        Duration replyTimeout = Duration.ofSeconds(replyTimeoutSeconds);
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

        PrintWriter out = spec != null ? spec.commandLine().getOut()
                : new PrintWriter(System.out, true, Charset.defaultCharset());
        ClientTls tls = tlsOptions.tls(host, out);
        // JLine only on a terminal: piped input keeps the plain lines, byte for byte.
        Terminal terminal = System.console() != null && stdin == System.in ? LineTerminal.open(out, dir)
                : new Terminal(out);
        // One thread for the server connection and both UDP sockets: a device needs little, and
        // each thread more is one more to start and to schedule when many devices share a machine.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Clock clock = Clock.systemDefaultZone();
        BeaconReceiver beacons = new BeaconReceiver(clock);
        try (PeerNode peerNode = bindUdp(group, udpPort, terminal, beacons)) {
            EdgeClient client = connect(group, serverAddress, host, serverPort, tls);
            client.onTicket(peerNode::admit);
            Tracer tracer = new Tracer(client, peerNode::sendBeacon, dir, tracing.settings(), clock,
                    new TraceAnnouncer(terminal, clock));
            beacons.listen(tracer);
            log.info("Connected to the server at {}:{}, listening on UDP {}, files in {}",
                    host, serverPort, udpPort, dir.toAbsolutePath().normalize());
            try {
                ConsoleInput input = terminal instanceof ConsoleInput keyboard ? keyboard : input();
                return new Console(client, peerNode::send, udpPort, dir, input, terminal, replyTimeout, tracer).run();
            } finally {
                client.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            terminal.close();
        }
    }

    private PeerNode bindUdp(EventLoopGroup group, int udpPort, Terminal terminal, BeaconReceiver beacons)
            throws StartupException {
        try {
            return PeerNode.bind(group, udpPort, dir, new TransferAnnouncer(terminal), PeerOptions.DEFAULTS, beacons);
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

    private static EdgeClient connect(EventLoopGroup group, InetAddress address, String host, int port,
                                      ClientTls tls) throws InterruptedException, StartupException {
        try {
            return EdgeClient.connect(group, new InetSocketAddress(address, port), tls).get();
        } catch (ExecutionException e) {
            log.info("Cannot connect to {}:{}: {}", host, port, e.getCause().toString());
            if (e.getCause() instanceof TlsFailedException t) {
                throw new StartupException("Cannot connect to the server at " + host + ":" + port + ": "
                        + t.getMessage());
            }
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

    /** A value that must be given, as an argument or as an option; both must agree. */
    private static <T> T required(String what, T argument, T option) throws StartupException {
        T value = CommandLines.positionalOrOption(argument, option, what);
        if (value == null) {
            throw new StartupException("Missing " + what
                    + ". Usage: run-client.sh <server_host> <server_port> <client_udp_server_port>");
        }
        return value;
    }

    static final class ServerPortConverter extends WholeNumberConverter {
        ServerPortConverter() {
            super(1, 65535, "Invalid server port: %s. A port is an integer between 1 and 65535");
        }
    }

    static final class UdpPortConverter extends WholeNumberConverter {
        UdpPortConverter() {
            super(1, 65535, "Invalid UDP port: %s. A port is an integer between 1 and 65535");
        }
    }

    static final class ReplyTimeoutConverter extends WholeNumberConverter {
        ReplyTimeoutConverter() {
            super(0, MAX_REPLY_TIMEOUT_SECONDS, "Invalid reply time-out: %s. It is a whole number of seconds from 0"
                    + " (wait for ever) to " + MAX_REPLY_TIMEOUT_SECONDS);
        }
    }
}
