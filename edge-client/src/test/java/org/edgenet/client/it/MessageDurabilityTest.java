package org.edgenet.client.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.MessageBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The server as a process of its own, killed with SIGKILL at a moment chosen at random while
 * devices store messages and while a device reads them, then restarted in the same directory:
 * every confirmed message is there, none twice, and a read cut off loses nothing.
 */
class MessageDurabilityTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private static final int SENDERS = 4;
    /** Requests each sender keeps queued on its connection, so that many wait for one disk flush. */
    private static final int IN_FLIGHT = 8;
    private static final String READER = "reader";

    @TempDir
    Path dir;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<Process> processes = new ArrayList<>();
    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A server JVM on this test's class path, in {@link #dir}; returns once it listens. */
    private Server start() throws IOException {
        Path out = dir.resolve("server-" + processes.size() + ".out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("").toAbsolutePath().getParent().resolve("config/logback.xml"),
                "-cp", System.getProperty("java.class.path"), "org.edgenet.server.cli.ServerMain", "0", "5")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        processes.add(p);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return new Server(p, Integer.parseInt(m.group(1)), out);
            }
            if (!p.isAlive()) {
                fail("the server exited at start: " + text);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        throw new AssertionError("the server did not start");
    }

    private record Server(Process process, int port, Path output) {
        /** SIGKILL: no shutdown hook, no flush, nothing. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the server died");
        }

        String log() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }
    }

    private EdgeClient join(Server server, String device) throws Exception {
        EdgeClient c = EdgeClient.connect(group, "127.0.0.1", server.port()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(LoginStatus.WELCOME, c.login(DeviceName.of(device), "pw").get(WAIT.toSeconds(), TimeUnit.SECONDS));
        c.registerUdp(9000).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return c;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private void credentials() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            lines.add("sender" + s + " pw");
        }
        lines.add(READER + " pw");
        Files.write(dir.resolve("credentials.txt"), lines);
    }

    /** What a reader saw: every batch delivered, and the ids whose removal the server confirmed. */
    private static final class Reading {
        final List<MailItem> shown = new ArrayList<>();
        final List<Long> delivered = Collections.synchronizedList(new ArrayList<>());
        long lastShown = -1;
        long confirmedRemovedUpTo = -1;
        int batches;

        /** Reads until nothing waits or the connection breaks; shows each id once, as the console does. */
        void readAll(EdgeClient c, CountDownLatch afterBatches) {
            try {
                while (true) {
                    MessageBatch b = await(c.readMessages(255));
                    b.messages().forEach(m -> delivered.add(m.id()));
                    for (MailItem m : b.messages()) {
                        if (m.id() > lastShown) {
                            shown.add(m);
                            lastShown = m.id();
                        }
                    }
                    batches++;
                    afterBatches.countDown();
                    if (b.messages().isEmpty()) {
                        return;
                    }
                    await(c.ackMessages(b.lastId()));
                    confirmedRemovedUpTo = b.lastId();
                }
            } catch (Exception e) {
                // The server was killed: what was shown and confirmed so far stands.
            }
        }
    }

    @Test
    void confirmedMessagesSurviveSigkillWhileStoringAndAReadCutOffLosesNothing() throws Exception {
        credentials();

        // 1. Devices store messages; the server is killed when a random number of them is confirmed.
        Server first = start();
        int killAfter = 300 + random.nextInt(1500);
        Map<String, Long> confirmed = new ConcurrentHashMap<>();
        Set<String> attempted = ConcurrentHashMap.newKeySet();
        CountDownLatch enough = new CountDownLatch(killAfter);
        List<EdgeClient> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            senders.add(join(first, "sender" + s));
        }
        for (int s = 0; s < SENDERS; s++) {
            EdgeClient c = senders.get(s);
            String name = "sender" + s;
            AtomicInteger next = new AtomicInteger();
            for (int k = 0; k < IN_FLIGHT; k++) {
                sendNext(c, name, next, attempted, confirmed, enough);
            }
        }
        assertTrue(enough.await(WAIT.toSeconds(), TimeUnit.SECONDS), "messages were confirmed");
        first.kill();
        for (EdgeClient c : senders) {
            c.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        Map<String, Long> confirmedAtKill = Map.copyOf(confirmed);

        Server second = start();
        Reading all = new Reading();
        EdgeClient reader = join(second, READER);
        all.readAll(reader, new CountDownLatch(0));
        String context = "seed " + seed + ", killed after " + killAfter + " confirmations";

        Map<String, Long> readBack = new HashMap<>();
        for (MailItem m : all.shown) {
            assertTrue(attempted.contains(m.text()), "only messages that were sent: " + m.text() + "; " + context);
            assertEquals(null, readBack.put(m.text(), m.id()), "none twice: " + m.text() + "; " + context);
        }
        assertEquals(all.shown.size(), new HashSet<>(all.delivered).size(), "no id delivered twice; " + context);
        for (Map.Entry<String, Long> c : confirmedAtKill.entrySet()) {
            assertEquals(c.getValue(), readBack.get(c.getKey()), "confirmed " + c.getKey() + " is back with its id; "
                    + context);
        }
        int unconfirmed = readBack.size() - confirmedAtKill.size();
        assertTrue(unconfirmed <= SENDERS * IN_FLIGHT, unconfirmed + " unconfirmed ones, more than were in flight; "
                + context);
        assertFifoPerSender(all.shown, context);

        // 2. Messages wait; the reader is cut off after a random number of batches, mid-read.
        EdgeClient poster = join(second, "sender0");
        String filler = "x".repeat(20_000);
        List<Long> waiting = new ArrayList<>();
        List<CompletableFuture<Long>> posts = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            posts.add(poster.postMessage(DeviceName.of(READER), "late " + i + " " + filler).thenApply(p -> p.id()));
        }
        for (CompletableFuture<Long> p : posts) {
            waiting.add(await(p));
        }
        Reading cut = new Reading();
        int killAtBatch = 1 + random.nextInt(8);
        CountDownLatch batchesIn = new CountDownLatch(killAtBatch);
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> cut.readAll(reader, batchesIn));
        assertTrue(batchesIn.await(WAIT.toSeconds(), TimeUnit.SECONDS), "batches read");
        second.kill();
        await(reading);
        long removedBeforeKill = cut.confirmedRemovedUpTo;
        int deliveredBeforeKill = cut.delivered.size();

        Server third = start();
        assertFalse(third.log().contains("Exception"), third.log());
        cut.readAll(join(third, READER), new CountDownLatch(0));
        context = "seed " + seed + ", killed after batch " + killAtBatch;

        assertEquals(waiting, cut.shown.stream().map(MailItem::id).toList(),
                "every message shown once, in order, across the kill; " + context);
        List<Long> afterRestart = cut.delivered.subList(deliveredBeforeKill, cut.delivered.size());
        assertTrue(afterRestart.stream().allMatch(id -> id > removedBeforeKill),
                "nothing whose removal was confirmed comes back; " + context);
        assertTrue(cut.batches > killAtBatch, "the read went on after the restart; " + context);
    }

    private void sendNext(EdgeClient c, String sender, AtomicInteger next, Set<String> attempted,
                          Map<String, Long> confirmed, CountDownLatch enough) {
        String text;
        CompletableFuture<Long> f;
        // Numbered and queued together: the connection sends them in this order.
        synchronized (next) {
            text = sender + ":" + next.getAndIncrement();
            attempted.add(text);
            f = c.postMessage(DeviceName.of(READER), text).thenApply(p -> p.id());
        }
        f.whenComplete((id, e) -> {
            if (e == null) {
                confirmed.put(text, id);
                enough.countDown();
                sendNext(c, sender, next, attempted, confirmed, enough);
            }
        });
    }

    private static void assertFifoPerSender(List<MailItem> shown, String context) {
        Map<String, Integer> last = new HashMap<>();
        for (MailItem m : shown) {
            String[] parts = m.text().split(":");
            int n = Integer.parseInt(parts[1]);
            assertTrue(last.getOrDefault(parts[0], -1) < n, "first in, first out for " + parts[0] + "; " + context);
            last.put(parts[0], n);
        }
    }
}
