package org.edgenet.client.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.edgenet.client.console.Console;
import org.edgenet.client.console.ConsoleInput;
import org.edgenet.client.console.PeerSender;
import org.edgenet.client.console.Terminal;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.p2p.PeerNode;
import org.edgenet.client.p2p.TransferEvents;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scripted user at the console of a device talking to a real server. */
class ConsoleIntegrationTest {
    private static final String PROMPT = Terminal.COMMAND_PROMPT;

    @TempDir
    Path dir;
    private Path clientDir;
    LiveServer live;

    @BeforeEach
    void startServer() throws Exception {
        clientDir = Files.createDirectory(dir.resolve("client"));
        live = start(Files.createDirectory(dir.resolve("server")),
                List.of("supersmartwatch comp9331", "uav-camera Fly#High22"), c -> c.attempts(3));
    }

    /** The server of the devices: one here, a cluster in {@link ConsoleClusterTest}. */
    LiveServer start(Path serverDir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak)
            throws Exception {
        return new LiveServer(serverDir, credentials, tweak);
    }

    @AfterEach
    void stopServer() {
        live.close();
    }

    String session(String script, PeerSender peers) throws Exception {
        EdgeClient client = await(live.connect());
        StringWriter out = new StringWriter();
        Console console = new Console(client, peers, 8123, clientDir,
                ConsoleInput.of(new BufferedReader(new StringReader(script))), new Terminal(new PrintWriter(out)),
                Duration.ofSeconds(30));
        assertEquals(0, console.run(), "OUT exits 0");
        return out.toString();
    }

    @Test
    void aWholeSessionShowsTheExpectedTextsForEveryCommand() throws Exception {
        EdgeClient other = await(live.join("uav-camera", "Fly#High22", 9002));
        // "1; <timestamp>; uav-camera; 127.0.0.1; 9002": the time AED must show.
        String joinedAt = live.awaitLines(live.config.deviceLog(), 1).get(0).split("; ")[1];
        Files.writeString(clientDir.resolve("clip.mp4"), "not really a video");

        String out = session("supersmartwatch\nwrong\ncomp9331\nEDG 1 10\nUED 1\nSCS 1 SUM\nSCS 1 AVERAGE\nSCS 9 MAX\n"
                + "DTE 1\nDTE 1\nAED\nUVF nobody clip.mp4\nOUT\n",
                (address, file, ticket) -> CompletableFuture.completedFuture(null));

        List<String> samples = Files.readAllLines(clientDir.resolve("supersmartwatch-1.txt"));
        long sum = samples.stream().mapToLong(Long::parseLong).sum();
        String averagePrefix = "Computation (AVERAGE) result on the file (ID:1) returned from the server is: ";
        String averageLine = out.lines().filter(l -> l.startsWith(averagePrefix)).findFirst().orElse("no AVERAGE line");
        BigDecimal average = new BigDecimal(averageLine.substring(averagePrefix.length()));
        assertEquals(0, average.compareTo(BigDecimal.valueOf(sum).divide(BigDecimal.TEN)), "the average: " + averageLine);
        String expected = String.join("\n",
                "Username: Password: Invalid Password. Please try again",
                "Password: Welcome to the edge network, supersmartwatch!",
                PROMPT,
                "data generation done: 10 data samples written to supersmartwatch-1.txt",
                PROMPT,
                "Data file with ID of 1 has been uploaded to the server (10 samples)",
                PROMPT,
                "Computation (SUM) result on the file (ID:1) returned from the server is: " + sum,
                PROMPT,
                averageLine,
                PROMPT,
                "the file does not exist at the server side",
                PROMPT,
                "file with ID of 1 has been successfully removed from the central server",
                PROMPT,
                "the file does not exist at the server side",
                PROMPT,
                "uav-camera, 127.0.0.1, 9002, active since " + joinedAt + ".",
                PROMPT,
                "nobody is offline",
                PROMPT,
                "Bye, supersmartwatch!",
                "");
        assertEquals(expected, out, "the transcript");
        assertEquals(List.of(), await(other.listActive()), "after OUT the device has left the network");
    }

    @Test
    void uvfSendsAFileToAnotherDeviceInTheBackground() throws Exception {
        Path audienceDir = Files.createDirectory(dir.resolve("audience"));
        CompletableFuture<Path> received = new CompletableFuture<>();
        TransferEvents audienceEvents = (fileName, presenter, stored) -> received.complete(stored);
        byte[] video = new byte[3_000_000];
        new java.util.Random(5).nextBytes(video);
        Files.write(clientDir.resolve("test.mp4"), video);

        try (PeerNode audience = PeerNode.bind(live.group, 0, audienceDir, audienceEvents);
             PeerNode presenter = PeerNode.bind(live.group, 0, clientDir, (f, p, s) -> { })) {
            EdgeClient audienceClient = await(live.join("uav-camera", "Fly#High22", audience.udpPort()));
            audienceClient.onTicket(audience::admit);

            String out = session("supersmartwatch\ncomp9331\nUVF uav-camera test.mp4\nOUT\n", presenter::send);

            Path stored = received.get(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(audienceDir.resolve("supersmartwatch_test.mp4"), stored, "stored as <presenter>_<filename>");
            assertArrayEquals(video, Files.readAllBytes(stored), "byte-identical");
            // OUT may or may not find the transfer still running, depending on timing.
            List<String> lines = out.lines()
                    .filter(l -> !l.equals(PROMPT) && !l.equals("Waiting for 1 background upload(s) to finish")).toList();
            assertEquals(List.of("Username: Password: Welcome to the edge network, supersmartwatch!",
                    "Uploading test.mp4 to uav-camera in the background",
                    "test.mp4 has been uploaded",
                    "Bye, supersmartwatch!"), lines, "the presenter's transcript");
        }
    }

    @Test
    void aPasswordTypedAsTheNameOrAWrongOneReachesNeitherTheServerNorTheDeviceLog() throws Exception {
        Logger all = (Logger) LoggerFactory.getLogger("org.edgenet");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level level = all.getLevel();
        all.addAppender(appender);
        all.setLevel(Level.INFO);
        all.setAdditive(false);
        List<String> lines;
        try {
            session("comp9331\nsupersmartwatch\nsupersmartwatch\nSecret-typo1\ncomp9331\nOUT\n",
                    (address, file, ticket) -> CompletableFuture.completedFuture(null));
            synchronized (appender) {
                lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            }
        } finally {
            all.detachAppender(appender);
            all.setLevel(level);
            all.setAdditive(true);
        }

        assertTrue(lines.stream().anyMatch(l -> l.matches("Login failed from 127\\.0\\.0\\.1: unknown device name \\(ref [0-9a-f]{8}\\)")),
                "the unknown name is logged as a reference: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("supersmartwatch joined from 127.0.0.1")), "then the join: " + lines);
        for (String line : lines) {
            assertFalse(line.contains("comp9331") || line.contains("Secret-typo1"), line);
        }
    }
}
