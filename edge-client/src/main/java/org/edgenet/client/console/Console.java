package org.edgenet.client.console;

import org.edgenet.client.net.ConnectionLostException;
import org.edgenet.client.net.ServerError;
import org.edgenet.client.net.ServerLink;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * The device's interactive console: login, then one command per line until OUT or the end of the
 * input. Arguments are checked here before anything is sent; the server checks them again.
 * Works the same on a terminal and on piped standard input.
 */
public final class Console {
    private static final Logger log = LoggerFactory.getLogger(Console.class);

    static final String COMMANDS = "EDG, UED, SCS, DTE, AED, UVF, MSG, RDM, OUT";
    private static final Set<String> KNOWN = Set.of("EDG", "UED", "SCS", "DTE", "AED", "UVF", "MSG", "RDM", "OUT");
    private static final String FILE_ID_NEEDED = "fileID is missing or fileID should be an integer";
    private static final String NO_SUCH_LOCAL_FILE = "the file to be uploaded does not exist";
    private static final String NO_SUCH_SERVER_FILE = "the file does not exist at the server side";

    /** What the command loop does after a line. */
    private enum Next { PROMPT, EXIT }

    private final ServerLink server;
    private final PeerSender peers;
    private final int udpPort;
    private final Path dir;
    private final ConsoleInput input;
    private final Terminal terminal;
    private final DataGenerator generator;
    private final MailCommands mail;
    private final Duration replyTimeout;
    private final Set<CompletableFuture<?>> transfers = ConcurrentHashMap.newKeySet();
    /** Reads input on its own thread so that a server that goes away is noticed at the prompt. */
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "console-input");
        t.setDaemon(true);
        return t;
    });
    private String device;

    /**
     * @param replyTimeout how long the server may owe a reply before the user is asked whether to
     *                     keep waiting; zero waits for ever
     */
    public Console(ServerLink server, PeerSender peers, int udpPort, Path dir, ConsoleInput input, Terminal terminal,
                   Duration replyTimeout) {
        this(server, peers, udpPort, dir, input, terminal, replyTimeout, RandomGenerator.getDefault());
    }

    Console(ServerLink server, PeerSender peers, int udpPort, Path dir, ConsoleInput input, Terminal terminal,
            Duration replyTimeout, RandomGenerator random) {
        if (replyTimeout.isNegative()) {
            throw new IllegalArgumentException("replyTimeout must not be negative: " + replyTimeout);
        }
        this.replyTimeout = replyTimeout;
        this.server = server;
        this.peers = peers;
        this.udpPort = udpPort;
        this.dir = dir;
        this.input = input;
        this.terminal = terminal;
        this.generator = new DataGenerator(random);
        this.mail = new MailCommands(server, terminal, this::await);
        server.onNotice(mail::notice);
    }

    /** Runs until the device leaves; returns the process exit code (0 after OUT). */
    public int run() {
        try {
            if (!join()) {
                server.close();
                return 1;
            }
            while (true) {
                terminal.commandPrompt();
                Optional<String> line = nextLine(false);
                terminal.inputTaken();
                if (line.isEmpty()) {
                    return leave();
                }
                if (execute(line.get()) == Next.EXIT) {
                    return 0;
                }
            }
        } catch (GaveUp e) {
            server.close();
            return 1;
        } catch (ServerGone e) {
            terminal.say("The server closed the connection.");
            server.close();
            return 1;
        } finally {
            reader.shutdownNow();
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
                Optional<String> typed = nextLine(false);
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
            Optional<String> password = nextLine(true);
            if (password.isEmpty()) {
                return false;
            }
            LoginStatus status;
            try {
                status = await(server.login(name, password.get()));
            } catch (ServerError e) {
                terminal.say(e.getMessage());
                name = null;
                continue;
            } catch (IllegalArgumentException e) {
                // Too long for the wire, so certainly not a device in the credentials.
                terminal.say("Unknown edge device name. Please try again");
                name = null;
                continue;
            }
            switch (status) {
                case WELCOME:
                    terminal.say("Welcome to the edge network, " + name + "!");
                    device = name;
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
            var joined = await(server.registerUdp(udpPort));
            log.info("{} joined the edge network at {} (udp {})", joined.device(), joined.activeSince(), udpPort);
            return true;
        } catch (ServerError e) {
            log.info("The server refused the join: {} ({})", e.getMessage(), e.code());
            terminal.say(e.getMessage());
            return false;
        }
    }

    private Next execute(String line) throws ServerGone {
        // Any run of white space separates arguments: a stray double space is not worth an error.
        String[] words = line.strip().split("\\s+");
        String command = words[0];
        if (command.isEmpty()) {
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
                case "EDG" -> generate(words);
                case "UED" -> upload(words);
                case "SCS" -> compute(words);
                case "DTE" -> delete(words);
                case "AED" -> listActive(words);
                case "UVF" -> sendToPeer(words);
                case "MSG" -> mail.send(line);
                case "RDM" -> mail.read(words);
                case "OUT" -> {
                    if (words.length > 1) {
                        terminal.say("OUT takes no arguments");
                        return Next.PROMPT;
                    }
                    leave();
                    return Next.EXIT;
                }
                default -> throw new IllegalStateException(command);
            }
        } catch (ServerError e) {
            terminal.say(e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("{} failed", command, e);
            terminal.say(command + " failed: " + describe(e));
        }
        return Next.PROMPT;
    }

    private static String unknownCommand(String command) {
        if (KNOWN.contains(command.toUpperCase(Locale.ROOT))) {
            return "Error: unknown command '" + command + "'. Commands are upper case, e.g. "
                    + command.toUpperCase(Locale.ROOT);
        }
        return "Error: unknown command '" + command + "'. Use one of " + COMMANDS
                + " (commands are upper case, e.g. AED)";
    }

    private void generate(String[] words) throws IOException {
        if (words.length < 3) {
            terminal.say("EDG command requires fileID and dataAmount as arguments.");
            return;
        }
        if (tooMany(words, 3, "EDG fileID dataAmount")) {
            return;
        }
        Long fileId = parseLong(words[1]);
        Long amount = parseLong(words[2]);
        if (fileId == null || amount == null) {
            terminal.say("the fileID or dataAmount are not integers, you need to specify the parameter as integers");
            return;
        }
        if (fileId < 0 || amount < 0) {
            terminal.say("the fileID and dataAmount must not be negative");
            return;
        }
        String fileName = DeviceNames.dataFileName(device, fileId);
        generator.write(dir.resolve(fileName), amount);
        terminal.say("data generation done: " + amount + " data samples written to " + fileName);
    }

    private void upload(String[] words) throws ServerGone, IOException {
        if (words.length < 2) {
            terminal.say("fileID is needed to upload the data");
            return;
        }
        if (tooMany(words, 2, "UED fileID")) {
            return;
        }
        Long fileId = fileId(words[1]);
        if (fileId == null) {
            return;
        }
        Path file = dir.resolve(DeviceNames.dataFileName(device, fileId));
        if (!Files.isRegularFile(file)) {
            terminal.say(NO_SUCH_LOCAL_FILE);
            return;
        }
        try {
            Uploaded done = await(server.upload(fileId, file));
            terminal.say("Data file with ID of " + fileId + " has been uploaded to the server ("
                    + done.dataAmount() + " samples)");
        } catch (ServerError e) {
            terminal.say("the server refused the upload: " + e.getMessage());
        }
    }

    private void compute(String[] words) throws ServerGone {
        if (tooMany(words, 3, "SCS fileID computationOperation")) {
            return;
        }
        Long fileId = fileIdArgument(words);
        if (fileId == null) {
            return;
        }
        Optional<Operation> op = words.length < 3 ? Optional.empty() : Operation.parse(words[2]);
        if (op.isEmpty()) {
            terminal.say("the computation operation should be one of SUM, AVERAGE, MAX, MIN");
            return;
        }
        try {
            Computed result = await(server.compute(fileId, op.get()));
            terminal.say("Computation (" + op.get() + ") result on the file (ID:" + fileId
                    + ") returned from the server is: " + result.result());
        } catch (ServerError e) {
            terminal.say(e.code() == ErrorCode.NO_SUCH_FILE ? NO_SUCH_SERVER_FILE : e.getMessage());
        }
    }

    private void delete(String[] words) throws ServerGone {
        if (tooMany(words, 2, "DTE fileID")) {
            return;
        }
        Long fileId = fileIdArgument(words);
        if (fileId == null) {
            return;
        }
        try {
            await(server.delete(fileId));
            terminal.say("file with ID of " + fileId + " has been successfully removed from the central server");
        } catch (ServerError e) {
            terminal.say(e.code() == ErrorCode.NO_SUCH_FILE ? NO_SUCH_SERVER_FILE : e.getMessage());
        }
    }

    private void listActive(String[] words) throws ServerGone {
        if (words.length > 1) {
            terminal.say("AED takes no arguments");
            return;
        }
        List<DeviceInfo> others = await(server.listActive());
        if (others.isEmpty()) {
            terminal.say("no other active edge devices");
        }
        for (DeviceInfo d : others) {
            terminal.say(d.name() + ", " + d.ip() + ", " + d.udpPort() + ", active since " + d.activeSince() + ".");
        }
    }

    private void sendToPeer(String[] words) throws ServerGone {
        if (words.length < 3) {
            terminal.say("UVF command requires deviceName and filename as arguments.");
            return;
        }
        if (tooMany(words, 3, "UVF deviceName filename")) {
            return;
        }
        String audience = words[1];
        String fileName = words[2];
        // Only files of the client directory may leave the device.
        if (fileName.contains("/") || fileName.contains("\\") || fileName.contains("..")) {
            terminal.say("the filename must be a plain file name in the client directory");
            return;
        }
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            terminal.say(NO_SUCH_LOCAL_FILE);
            return;
        }
        if (!DeviceNames.isValid(audience)) {
            terminal.say(audience + " is not a valid edge device name");
            return;
        }
        Peer peer;
        try {
            peer = await(server.lookupPeer(audience));
        } catch (ServerError e) {
            terminal.say(e.code() == ErrorCode.DEVICE_OFFLINE ? audience + " is offline" : e.getMessage());
            return;
        }
        CompletableFuture<Void> transfer = startTransfer(peer, file, audience);
        // Remembered so that OUT can let it finish instead of cutting it off.
        transfers.add(transfer);
        terminal.say("Uploading " + fileName + " to " + audience + " in the background");
        transfer.whenComplete((ok, failure) -> {
            transfers.remove(transfer);
            if (failure == null) {
                terminal.announce(fileName + " has been uploaded");
            } else {
                log.info("UVF of {} to {} failed", fileName, audience, failure);
                terminal.announce(fileName + " could not be uploaded to " + audience + ": " + describe(failure));
            }
        });
    }

    private CompletableFuture<Void> startTransfer(Peer peer, Path file, String audience) {
        try {
            return peers.send(new InetSocketAddress(peer.ip(), peer.udpPort()), file, device, audience);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** OUT, or the end of the input: let running transfers finish, then leave the network. */
    private int leave() throws ServerGone {
        if (!transfers.isEmpty()) {
            terminal.say("Waiting for " + transfers.size() + " background upload(s) to finish");
            try {
                CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // Each failure was already announced by its own callback.
            }
        }
        try {
            await(server.leave());
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

    private boolean tooMany(String[] words, int max, String usage) {
        if (words.length > max) {
            terminal.say("too many arguments, the usage is: " + usage);
            return true;
        }
        return false;
    }

    /** The fileID argument of SCS or DTE, or null after saying it is missing or wrong. */
    private Long fileIdArgument(String[] words) {
        if (words.length < 2) {
            terminal.say(FILE_ID_NEEDED);
            return null;
        }
        return fileId(words[1]);
    }

    /** A fileID argument of UED, SCS or DTE, or null after saying what is wrong with it. */
    private Long fileId(String word) {
        Long id = parseLong(word);
        if (id == null) {
            terminal.say(FILE_ID_NEEDED);
        } else if (id < 0) {
            terminal.say("the fileID must not be negative");
            return null;
        }
        return id;
    }

    private static Long parseLong(String word) {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Waits for the next line; empty at the end of the input. */
    private Optional<String> nextLine(boolean password) throws ServerGone {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return password ? input.readPassword() : input.readLine();
            } catch (IOException e) {
                log.info("Console input failed: {}", e.toString());
                return null;
            }
        }, reader);
        try {
            CompletableFuture.anyOf(line, server.closeFuture()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            // Neither future fails; fall through and look at both.
        }
        if (!line.isDone()) {
            throw new ServerGone();
        }
        return Optional.ofNullable(line.join());
    }

    /**
     * The reply of a request; {@link ServerError} when the server refused it. When the server has
     * owed the reply for longer than the time-out, the user decides whether to wait on.
     */
    private <T> T await(CompletableFuture<T> future) throws ServerGone {
        try {
            if (replyTimeout.isZero()) {
                return future.get();
            }
            while (true) {
                Duration owed = server.waitingForReply();
                Duration left = replyTimeout.minus(owed);
                if (!left.isNegative() && !left.isZero()) {
                    try {
                        return future.get(left.toNanos(), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        // Owed that long, or still sending (a long UED): look again.
                        continue;
                    }
                }
                if (future.isDone()) {
                    return future.get();
                }
                keepWaitingOrQuit(owed);
                // The question may have taken a while; the reply may be here by now.
                if (future.isDone()) {
                    return future.get();
                }
                awaitAnotherTimeout(future);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerGone();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ServerError s) {
                throw s;
            }
            if (cause instanceof ConnectionLostException) {
                throw new ServerGone();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(cause);
        } catch (CancellationException e) {
            throw new ServerGone();
        }
    }

    /** After the user chose to wait: one more full time-out before asking again. */
    private void awaitAnotherTimeout(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(replyTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The caller looks at the future again.
        }
    }

    /**
     * Asks whether to go on waiting for a reply the server owes; returns when the user wants to,
     * throws {@link GaveUp} when not. Piped input has nobody to ask, so it gives up at once.
     */
    private void keepWaitingOrQuit(Duration owed) throws ServerGone {
        String waited = "The server has not answered for " + owed.toSeconds() + " s.";
        log.warn("No reply from the server for {} s", owed.toSeconds());
        if (!input.interactive()) {
            terminal.say(waited + " Disconnecting.");
            throw new GaveUp();
        }
        terminal.say(waited);
        while (true) {
            terminal.ask("Keep waiting (W) or quit (Q)? ");
            Optional<String> answer = nextLine(false);
            String a = answer.map(String::strip).orElse("Q").toUpperCase(Locale.ROOT);
            if (a.equals("W") || a.equals("WAIT")) {
                return;
            }
            if (a.equals("Q") || a.equals("QUIT")) {
                terminal.say("Disconnected from the server.");
                throw new GaveUp();
            }
            terminal.say("Please answer W to keep waiting or Q to quit.");
        }
    }

    private static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    /** The connection to the server ended while the console needed it. */
    static class ServerGone extends Exception {
        ServerGone() {
            super(null, null, false, false);
        }
    }

    /** The user (or a script's end) chose not to wait for the server any longer; already said. */
    private static final class GaveUp extends ServerGone {
    }
}
