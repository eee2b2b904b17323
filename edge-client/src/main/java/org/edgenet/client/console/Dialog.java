package org.edgenet.client.console;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.client.net.ConnectionLostException;
import org.edgenet.client.net.ServerError;
import org.edgenet.client.net.ServerLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The console's two waits: for the user's next line, and for a reply the server owes. Both end
 * with {@link ServerGone} when the connection goes away meanwhile; a reply that is late by more
 * than the time-out makes the console ask the user whether to wait on.
 */
final class Dialog {
    private static final Logger log = LoggerFactory.getLogger(Dialog.class);

    private final ServerLink server;
    private final ConsoleInput input;
    private final Terminal terminal;
    private final Duration replyTimeout;
    /**
     * Reads input on its own thread so that a server that goes away is noticed at the prompt. Its
     * queue holds at most one read: the console asks for the next line only after the last one came.
     */
    private final ExecutorService reader =
            // Unbounded queue by design: fed by the console alone, never by the network (one read at a time).
            Executors.newSingleThreadExecutor(new DefaultThreadFactory("console-input", true)); // console only

    /**
     * @param replyTimeout how long the server may owe a reply before the user is asked whether to
     *                     keep waiting; zero waits for ever
     */
    Dialog(ServerLink server, ConsoleInput input, Terminal terminal, Duration replyTimeout) {
        if (replyTimeout.isNegative()) {
            throw new IllegalArgumentException("replyTimeout must not be negative: " + replyTimeout);
        }
        this.server = server;
        this.input = input;
        this.terminal = terminal;
        this.replyTimeout = replyTimeout;
    }

    /** Stops the input thread, which may still wait for a line nobody needs any more. */
    void close() {
        reader.shutdownNow();
    }

    /** Waits for the next line; empty at the end of the input. */
    Optional<String> nextLine(boolean password) throws ServerGone {
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
        terminal.inputTaken();
        return Optional.ofNullable(line.join());
    }

    /**
     * The reply of a request; {@link ServerError} when the server refused it. When the server has
     * owed the reply for longer than the time-out, the user decides whether to wait on.
     */
    <T> T await(CompletableFuture<T> future) throws ServerGone {
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
            if (cause instanceof ServerError s && s.code().fatal()) {
                // The server closes the connection after this one: the console says why and ends.
                throw new ServerGone();
            }
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

    /** The connection to the server ended while the console needed it. */
    static class ServerGone extends Exception {
        ServerGone() {
            super(null, null, false, false);
        }
    }

    /** The user (or a script's end) chose not to wait for the server any longer; already said. */
    static final class GaveUp extends ServerGone {
    }
}
