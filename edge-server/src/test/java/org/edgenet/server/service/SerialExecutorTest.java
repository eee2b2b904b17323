package org.edgenet.server.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerialExecutorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void runsTasksInOrderOnOneDaemonThreadNamedAfterItsFile() throws Exception {
        SerialExecutor writer = SerialExecutor.thread("log-writer-upload-log.txt");
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(50);
        for (int i = 0; i < 50; i++) {
            int n = i;
            writer.execute(() -> {
                order.add(n);
                threads.add(Thread.currentThread());
                done.countDown();
            });
        }
        assertTrue(done.await(WAIT.toSeconds(), TimeUnit.SECONDS), "every task ran");
        assertTrue(writer.close(WAIT), "closed in time");

        for (int i = 0; i < 50; i++) {
            assertEquals(i, order.get(i), "task " + i + " in its turn");
            assertSame(threads.get(0), threads.get(i), "one thread");
        }
        assertTrue(threads.get(0).isDaemon(), "a stuck write cannot keep the process alive");
        assertTrue(threads.get(0).getName().startsWith("log-writer-upload-log.txt-"), threads.get(0).getName());
    }

    @Test
    void closeLetsQueuedTasksFinishThenRefusesNewOnes() throws Exception {
        SerialExecutor writer = SerialExecutor.thread("writer");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        writer.execute(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.add("first");
        });
        writer.execute(() -> ran.add("queued"));
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the first task runs");

        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> writer.close(WAIT));
        assertThrows(RejectedExecutionException.class, () -> pollUntilShutDown(writer),
                "no task is taken once closing began");
        assertFalse(closed.isDone(), "close waits for the queued tasks");
        release.countDown();

        assertTrue(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS), "finished within the wait");
        assertEquals(List.of("first", "queued"), ran, "the queued task ran before the thread stopped");
    }

    /** Offers tasks until the executor refuses one, which it does once close has shut it down. */
    private static void pollUntilShutDown(SerialExecutor writer) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            writer.execute(() -> { });
            Thread.onSpinWait();
        }
    }

    @Test
    void aBorrowedExecutorRunsTheTasksAndIsLeftToItsOwner() {
        Deque<Runnable> queue = new ArrayDeque<>();
        SerialExecutor borrowed = SerialExecutor.on(queue::add);

        borrowed.execute(() -> { });
        assertTrue(borrowed.close(WAIT), "nothing to wait for");
        borrowed.execute(() -> { });

        assertEquals(2, queue.size(), "both tasks handed to the owner's executor, also after close");
    }

    @Test
    void oneKeyAlwaysGetsTheSameLaneAndTheLanesDiffer() {
        try (KeyedSerialExecutor lanes = KeyedSerialExecutor.threads(4, "data")) {
            assertSame(lanes.forKey("alice\u00001"), lanes.forKey("alice\u00001"), "same key, same lane");
            List<Object> seen = new ArrayList<>();
            for (int i = 0; i < 64 && seen.size() < 2; i++) {
                Object lane = lanes.forKey("device\u0000" + i);
                if (!seen.contains(lane)) {
                    seen.add(lane);
                }
            }
            assertNotSame(seen.get(0), seen.get(1), "different files spread over lanes");
        }
    }
}
