package org.edgenet.client.it;

import org.edgenet.client.console.Console;
import org.edgenet.client.console.ConsoleInput;
import org.edgenet.client.console.Terminal;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.server.OperationsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.edgenet.client.it.LiveServer.await;
import static org.edgenet.client.it.LiveServer.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the console of a device says when a real server ends its connection with a reason: the
 * server is full, or shutting down. Each time the device prints the reason and exits 1.
 */
class ServerFarewellIntegrationTest {
    @TempDir
    Path dir;
    private LiveServer live;
    private PipedOutputStream typing;

    @AfterEach
    void stop() throws IOException {
        if (typing != null) {
            typing.close();
        }
        if (live != null) {
            live.close();
        }
    }

    private void start(UnaryOperator<org.edgenet.server.ServerConfig.Builder> tweak) throws Exception {
        live = new LiveServer(Files.createDirectory(dir.resolve("server")),
                List.of("supersmartwatch comp9331", "uav-camera Fly#High22"), tweak);
    }

    /** A console whose user types {@code lines} and then waits, as at a terminal. */
    private CompletableFuture<Integer> console(StringWriter out, String lines) throws Exception {
        EdgeClient client = await(live.connect());
        typing = new PipedOutputStream();
        PipedInputStream keyboard = new PipedInputStream(typing);
        typing.write(lines.getBytes(StandardCharsets.UTF_8));
        typing.flush();
        Console console = new Console(client, (address, file, ticket) -> CompletableFuture.completedFuture(null),
                8123, Files.createDirectories(dir.resolve("client")),
                ConsoleInput.of(new BufferedReader(new InputStreamReader(keyboard, StandardCharsets.UTF_8))),
                new Terminal(new PrintWriter(out)), Duration.ofSeconds(30));
        return CompletableFuture.supplyAsync(console::run);
    }

    @Test
    void aDeviceOverTheConnectionLimitPrintsThatTheServerIsFullAndExits1() throws Exception {
        start(c -> c.operations(OperationsSettings.defaults().withMaxConnections(1)));
        await(live.join("uav-camera", "Fly#High22", 9002));
        StringWriter out = new StringWriter();
        assertEquals(1, await(console(out, "")), "exit code");
        assertEquals("Username: " + System.lineSeparator() + "The server is full." + System.lineSeparator(),
                out.toString(), "the reason on a line of its own");
    }

    @Test
    void aJoinedDevicePrintsThatTheServerIsShuttingDownAndExits1() throws Exception {
        start(UnaryOperator.identity());
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> exit = console(out, "supersmartwatch\ncomp9331\n");
        eventually("the device waits at its prompt", () -> out.toString().contains(Terminal.COMMAND_PROMPT));
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(live.server::close);
        assertEquals(1, await(exit), "exit code");
        await(stopped);
        String text = out.toString();
        assertTrue(text.endsWith(Terminal.COMMAND_PROMPT + System.lineSeparator() + "The server is shutting down."
                + System.lineSeparator()), text);
        assertEquals(List.of(), live.lines(live.config.deviceLog()), "the device left as after OUT");
    }
}
