package org.edgenet.client.p2p;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.testing.DatagramRelay;
import org.edgenet.common.testing.DatagramRelay.Faults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A receiver killed with SIGKILL mid-transfer leaves its partial file; its next start removes it. */
class KilledReceiverTest {
    private static EventLoopGroup group;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startLoops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aReceiverKilledMidTransferLeavesNoPartFileOnceRestarted() throws Exception {
        Path audienceDir = Files.createDirectories(tmp.resolve("audience"));
        Path presenterDir = Files.createDirectories(tmp.resolve("presenter"));
        Path file = PeerTransferTest.randomFile(presenterDir.resolve("big.bin"), 20 * 1024 * 1024, 9);
        Ticket ticket = HandPresenter.ticket("cam", "audience");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), AudienceProcess.class.getName(),
                audienceDir.toString(), Long.toHexString(ticket.id()), ticket.presenter().value(),
                HexFormat.of().formatHex(ticket.key())).redirectErrorStream(true).start();
        RecordingEvents presenterEvents = new RecordingEvents();
        try (PeerNode presenter = PeerNode.bind(group, 0, presenterDir, presenterEvents, PeerTransferTest.OPTIONS);
             DatagramRelay relay = DatagramRelay.start(PeerTransferTest.local(port(child)), Faults.NONE, 3)) {
            // Once data flows, nothing more gets through: the transfer hangs half done, as a real one would.
            presenterEvents.onSendingProgress = () -> relay.faults(Faults.BLACKHOLE);
            presenter.send(relay.address(), file, ticket);
            Path part = awaitPartFile(audienceDir);

            assertEquals(0, PartFiles.removeLeftovers(audienceDir).files(), "the live process's file is not touched");
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the receiver died");
            long size = Files.size(part);
            assertEquals(List.of(part), listing(audienceDir), "the kill left the partial file behind");

            RecordingEvents restartedEvents = new RecordingEvents();
            try (PeerNode restarted = PeerNode.bind(group, 0, audienceDir, restartedEvents)) {
                assertArrayEquals(new long[] {1, size}, restartedEvents.leftovers.poll(), "removed, and said so");
                assertEquals(List.of(), listing(audienceDir), "no .part left");
            }
        } finally {
            child.destroyForcibly();
        }
    }

    /** The port the child prints once it listens. */
    private static int port(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("port ")) {
                        return Integer.parseInt(line.substring(5).trim());
                    }
                }
                throw new IllegalStateException("the receiver ended before it listened");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    /** Polls, with a deadline, until the receiver has written into its partial file. */
    private static Path awaitPartFile(Path dir) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0) {
            for (Path p : listing(dir)) {
                if (p.getFileName().toString().endsWith(".part") && Files.size(p) > 0) {
                    return p;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new AssertionError("no partial file within 30 s");
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
