package org.edgenet.client.console;

import org.edgenet.client.console.Dialog.GaveUp;
import org.edgenet.client.console.Dialog.ServerGone;
import org.edgenet.client.net.ServerError;
import org.edgenet.client.net.ServerLink;
import org.edgenet.client.trace.Tracer;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The device's interactive console: login, then one command per line until OUT or the end of the
 * input. Works the same on a terminal and on piped standard input. The commands themselves are in
 * {@link ConsoleCommands}, their argument checks in {@link CommandArguments} (where typed names and
 * numbers become {@link DeviceName}s and file IDs, or a plain sentence says why they cannot), and
 * the waits for the user and for the server in {@link Dialog}. MSG and RDM, and the notices the
 * server sends unasked, are {@link MailCommands}'; DLD is {@link DownloadCommand}'s.
 */
public final class Console {
    private static final Logger log = LoggerFactory.getLogger(Console.class);

    static final String COMMANDS = "EDG, UED, SCS, DTE, AED, UVF, MSG, RDM, DLD, TID, BCN, UCL, OUT";
    private static final Set<String> KNOWN = Set.of("EDG", "UED", "SCS", "DTE", "AED", "UVF", "MSG", "RDM", "DLD",
            "OUT", "TID", "BCN", "UCL", "Download_tempID", "Beacon", "Upload_contact_log");

    /** What the command loop does after a line. */
    private enum Next { PROMPT, EXIT }

    private final ServerLink server;
    private final PeerSender peers;
    private final int udpPort;
    private final Path dir;
    private final Terminal terminal;
    private final DataGenerator generator;
    private final Dialog dialog;
    private final MailCommands mail;
    private DownloadCommand download;
    /** Null on a device without contact tracing (some tests). */
    private final Tracer tracer;
    private TraceCommands trace;
    private DeviceName device;

    /**
     * @param replyTimeout how long the server may owe a reply before the user is asked whether to
     *                     keep waiting; zero waits for ever
     */
    public Console(ServerLink server, PeerSender peers, int udpPort, Path dir, ConsoleInput input, Terminal terminal,
                   Duration replyTimeout) {
        this(server, peers, udpPort, dir, input, terminal, replyTimeout, RandomGenerator.getDefault(), null);
    }

    /** With contact tracing: {@code tracer} starts once the device has joined and stops when it leaves. */
    public Console(ServerLink server, PeerSender peers, int udpPort, Path dir, ConsoleInput input, Terminal terminal,
                   Duration replyTimeout, Tracer tracer) {
        this(server, peers, udpPort, dir, input, terminal, replyTimeout, RandomGenerator.getDefault(), tracer);
    }

    Console(ServerLink server, PeerSender peers, int udpPort, Path dir, ConsoleInput input, Terminal terminal,
            Duration replyTimeout, RandomGenerator random) {
        this(server, peers, udpPort, dir, input, terminal, replyTimeout, random, null);
    }

    Console(ServerLink server, PeerSender peers, int udpPort, Path dir, ConsoleInput input, Terminal terminal,
            Duration replyTimeout, RandomGenerator random, Tracer tracer) {
        this.tracer = tracer;
        this.dialog = new Dialog(server, input, terminal, replyTimeout);
        this.server = server;
        this.peers = peers;
        this.udpPort = udpPort;
        this.dir = dir;
        this.terminal = terminal;
        this.generator = new DataGenerator(random);
        this.mail = new MailCommands(server, terminal, dialog);
        server.onNotice(notice -> {
            mail.notice(notice);
            TraceCommands.notice(terminal, notice);
        });
    }

    /** Runs until the device leaves; returns the process exit code (0 after OUT). */
    public int run() {
        try {
            if (!join()) {
                server.close();
                return 1;
            }
            ConsoleCommands commands = new ConsoleCommands(device, server, peers, dir, terminal, generator, dialog);
            download = new DownloadCommand(device, server, dir, terminal, dialog);
            startTracing();
            while (true) {
                terminal.commandPrompt();
                Optional<String> line = dialog.nextLine(false);
                terminal.inputTaken();
                if (line.isEmpty()) {
                    return leave(commands);
                }
                if (execute(line.get(), commands) == Next.EXIT) {
                    return 0;
                }
            }
        } catch (GaveUp e) {
            server.close();
            return 1;
        } catch (ServerGone e) {
            terminal.interrupt(server.farewell().map(f -> sentence(f.getMessage()))
                    .orElse("The server closed the connection."));
            server.close();
            return 1;
        } finally {
            if (tracer != null) {
                tracer.close();
            }
            dialog.close();
        }
    }

    /** Opens the device's contact log; without one, the tracing commands say so and the rest works. */
    private void startTracing() {
        if (tracer == null) {
            return;
        }
        try {
            tracer.start(device);
            trace = new TraceCommands(device, server, tracer, terminal, dialog);
        } catch (IOException e) {
            log.warn("Cannot open the contact log", e);
            terminal.say("The contact log cannot be opened (" + e.getMessage() + "); TID, BCN and UCL are off");
        }
    }

    /**
     * The login conversation; true once the device has joined. The server counts failures and
     * decides about blocks; the console only follows its verdict.
     */
    private boolean join() throws ServerGone {
        // Null when the next round must ask for the name too, not only the password.
        String name = null;
        while (true) {
            if (name == null) {
                terminal.ask("Username: ");
                Optional<String> typed = dialog.nextLine(false);
                if (typed.isEmpty()) {
                    return false;
                }
                name = typed.get().strip();
                if (name.isEmpty()) {
                    name = null;
                    continue;
                }
            }
            terminal.ask("Password: ");
            Optional<String> password = dialog.nextLine(true);
            if (password.isEmpty()) {
                return false;
            }
            DeviceName deviceName;
            LoginStatus status;
            try {
                deviceName = DeviceName.of(name);
                status = dialog.await(server.login(deviceName, password.get()));
            } catch (ServerError e) {
                terminal.say(e.getMessage());
                if (e.code().fatal()) {
                    // The server closes the connection after this one (a TLS port, say): no retry.
                    return false;
                }
                name = null;
                continue;
            } catch (IllegalArgumentException e) {
                // Not a valid device name, or a password too long for the wire: certainly not a
                // device in the credentials, so what the server would say about an unknown one.
                terminal.say("Unknown edge device name. Please try again");
                name = null;
                continue;
            }
            switch (status) {
                case WELCOME:
                    terminal.say("Welcome to the edge network, " + name + "!");
                    device = deviceName;
                    terminal.joined(deviceName);
                    return registerUdp();
                case INVALID_PASSWORD:
                    terminal.say("Invalid Password. Please try again");
                    break;
                case UNKNOWN_DEVICE:
                    terminal.say("Unknown edge device name. Please try again");
                    name = null;
                    break;
                case ALREADY_JOINED:
                    terminal.say(name + " has already joined the edge network. Please try again");
                    name = null;
                    break;
                case BLOCKED_NOW:
                    // The server closes the connection after either block reply.
                    terminal.say("Invalid Password. Your account has been blocked. Please try again later");
                    return false;
                case BLOCKED:
                    terminal.say("Your account is blocked due to multiple authentication failures. Please try again later");
                    return false;
                default:
                    throw new IllegalStateException("unknown login status " + status);
            }
        }
    }

    /** True once the device has joined; a refusal (a full disk at the server) means it has not. */
    private boolean registerUdp() throws ServerGone {
        try {
            var joined = dialog.await(server.registerUdp(udpPort));
            log.info("{} joined the edge network at {} (udp {})", joined.device(), joined.activeSince(), udpPort);
            return true;
        } catch (ServerError e) {
            log.info("The server refused the join: {} ({})", e.getMessage(), e.code());
            terminal.say(e.getMessage());
            return false;
        }
    }

    private Next execute(String line, ConsoleCommands commands) throws ServerGone {
        // Any run of white space separates arguments: a stray double space is not worth an error.
        String[] words = line.strip().split("\\s+");
        String command = words[0];
        if (command.isEmpty()) {
            return Next.PROMPT;
        }
        if (command.equalsIgnoreCase("help")) {
            CommandHelp.answer(words).forEach(terminal::say);
            return Next.PROMPT;
        }
        if (!KNOWN.contains(command)) {
            terminal.say(unknownCommand(command));
            return Next.PROMPT;
        }
        // Command lines carry no secrets, so the log may keep them whole; a message's text is the
        // users' business, though.
        log.info("Command: {}", command.equals("MSG") ? "MSG " + (words.length > 1 ? words[1] : "") : line.strip());
        try {
            switch (command) {
                case "EDG" -> commands.generate(words);
                case "UED" -> commands.upload(words);
                case "SCS" -> commands.compute(words);
                case "DTE" -> commands.delete(words);
                case "AED" -> commands.listActive(words);
                case "UVF" -> commands.sendToPeer(words);
                case "MSG" -> mail.send(line);
                case "RDM" -> mail.read(words);
                case "DLD" -> download.run(words);
                case "TID", "Download_tempID", "BCN", "Beacon", "UCL", "Upload_contact_log" -> traceCommand(words);
                case "OUT" -> {
                    if (words.length > 1) {
                        terminal.say("OUT takes no arguments");
                        return Next.PROMPT;
                    }
                    leave(commands);
                    return Next.EXIT;
                }
                default -> throw new IllegalStateException(command);
            }
        } catch (ServerError e) {
            terminal.say(e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("{} failed", command, e);
            terminal.say(command + " failed: " + ConsoleCommands.describe(e));
        }
        return Next.PROMPT;
    }

    private void traceCommand(String[] words) throws ServerGone {
        if (trace == null) {
            terminal.say("contact tracing is off on this device");
            return;
        }
        switch (words[0]) {
            case "TID", "Download_tempID" -> trace.tempId(words);
            case "BCN" -> trace.beaconDevice(words);
            case "Beacon" -> trace.beaconAddress(words);
            default -> trace.upload(words);
        }
    }

    /** {@code the server is full} as {@code The server is full.} */
    static String sentence(String text) {
        if (text.isEmpty()) {
            return "The server closed the connection.";
        }
        String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    private static String unknownCommand(String command) {
        if (KNOWN.contains(command.toUpperCase(Locale.ROOT))) {
            return "Error: unknown command '" + command + "'. Commands are upper case, e.g. "
                    + command.toUpperCase(Locale.ROOT);
        }
        return "Error: unknown command '" + command + "'. Use one of " + COMMANDS
                + " (commands are upper case, e.g. AED)";
    }

    /** OUT, or the end of the input: let running transfers finish, then leave the network. */
    private int leave(ConsoleCommands commands) throws ServerGone {
        if (tracer != null) {
            tracer.close();
        }
        commands.awaitTransfers();
        try {
            dialog.await(server.leave());
        } catch (ServerError e) {
            log.warn("The server refused OUT: {}", e.getMessage());
        } catch (ServerGone e) {
            // Leaving anyway: the server treats a dropped connection as OUT.
            log.info("The connection closed during OUT");
        }
        server.close();
        terminal.say("Bye, " + device + "!");
        return 0;
    }
}
