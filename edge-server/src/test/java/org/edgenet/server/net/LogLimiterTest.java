package org.edgenet.server.net;

import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLimiterTest {
    private static final LogLimiter.Kind FAILED =
            new LogLimiter.Kind("Login failed", LoggerFactory.getLogger(LogLimiterTest.class), Level.INFO);
    private static final LogLimiter.Kind VIOLATION =
            new LogLimiter.Kind("Protocol violation", LoggerFactory.getLogger(LogLimiterTest.class), Level.WARN);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final LogLimiter limiter = new LogLimiter(ticker);
    private final LogCapture logs = new LogCapture(LogLimiterTest.class);

    @AfterEach
    void tearDown() {
        logs.close();
    }

    /** How many of {@code n} events of {@code kind} from {@code source} the limiter lets through. */
    private int admit(LogLimiter l, LogLimiter.Kind kind, String source, int n) {
        int admitted = 0;
        for (int i = 0; i < n; i++) {
            if (l.admit(kind, source)) {
                admitted++;
            }
        }
        return admitted;
    }

    @Test
    void theFirstFiveOfAWindowAreLoggedAndTheRestSummedUpWhenItEnds() {
        assertEquals(5, admit(limiter, FAILED, "10.0.0.1", 100_000));
        ticker.advance(LogLimiter.WINDOW.minusNanos(1).toNanos(), TimeUnit.NANOSECONDS);
        limiter.flush();
        assertEquals(List.of(), logs.lines(), "no summary before the window ends");

        ticker.advance(1, TimeUnit.NANOSECONDS);
        limiter.flush();

        assertEquals(List.of("INFO Login failed from 10.0.0.1: 99,995 more like this in the last 10 s"), logs.lines());
        assertEquals(0, limiter.keys(), "the ended window is forgotten");
    }

    @Test
    void aNewWindowLogsAgainAndItsFirstEventBringsTheLastSummary() {
        admit(limiter, FAILED, "10.0.0.1", 7);
        ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);

        assertTrue(limiter.admit(FAILED, "10.0.0.1"), "the first event of a new window is logged");

        assertEquals(List.of("INFO Login failed from 10.0.0.1: 2 more like this in the last 10 s"), logs.lines(),
                "summary without waiting for the timer");
        assertEquals(4, admit(limiter, FAILED, "10.0.0.1", 10), "four more of the new window's five");
    }

    @Test
    void aWindowWithNothingHeldBackEndsWithoutASummary() {
        assertEquals(5, admit(limiter, FAILED, "10.0.0.1", 5));
        ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);
        limiter.flush();
        assertEquals(List.of(), logs.lines());
    }

    @Test
    void kindsAndSourcesAreLimitedApartAndSummedUpAtTheirOwnLevel() {
        assertEquals(5, admit(limiter, FAILED, "10.0.0.1", 6));
        assertEquals(5, admit(limiter, FAILED, "10.0.0.2", 8));
        assertEquals(5, admit(limiter, VIOLATION, "10.0.0.1", 9));
        ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);
        limiter.flush();
        assertEquals(List.of(
                "INFO Login failed from 10.0.0.1: 1 more like this in the last 10 s",
                "INFO Login failed from 10.0.0.2: 3 more like this in the last 10 s",
                "WARN Protocol violation from 10.0.0.1: 4 more like this in the last 10 s"),
                logs.lines().stream().sorted().toList());
    }

    @Test
    void sourcesBeyondTheBoundShareOneKeyPerKind() {
        LogLimiter small = new LogLimiter(ticker, 5, LogLimiter.WINDOW, 4);
        int admitted = 0;
        for (int i = 0; i < 10_000; i++) {
            admitted += admit(small, FAILED, "10.0." + i / 256 + "." + i % 256, 1);
            assertTrue(small.keys() <= 5, "four sources and the shared key, not " + small.keys());
        }
        assertEquals(4 + 5, admitted, "one from each tracked source, five from all the others");

        ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);
        small.flush();

        assertEquals(List.of("INFO Login failed from other addresses: 9,991 more like this in the last 10 s"),
                logs.lines());
        assertEquals(0, small.keys(), "everything forgotten");
        assertTrue(small.admit(FAILED, "10.1.0.1"), "a new source is tracked again");
    }

    @Test
    void stoppingSummarisesWindowsStillOpen() {
        admit(limiter, VIOLATION, "10.0.0.1", 8);
        ticker.advance(Duration.ofSeconds(3).toNanos(), TimeUnit.NANOSECONDS);
        limiter.flushAll();
        assertEquals(List.of("WARN Protocol violation from 10.0.0.1: 3 more like this in the last 10 s"), logs.lines());
        assertEquals(0, limiter.keys(), "nothing left open");
    }

    @Test
    void eventLoopsCountingAtOnceLoseNoEventAndKeepTheBound() throws Exception {
        LogLimiter small = new LogLimiter(ticker, 5, LogLimiter.WINDOW, 4);
        int threads = 4;
        int perThread = 20_000;
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        if (small.admit(FAILED, "10.0.0." + i % 8)) {
                            admitted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(small.keys() <= 5, "four sources and the shared key, not " + small.keys());
        assertEquals(5 * small.keys(), admitted.get(), "five from each key, however the threads met");

        ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);
        small.flush();
        long summed = logs.lines().stream()
                .mapToLong(line -> Long.parseLong(line.replaceAll(".*: ([0-9,]+) more like this.*", "$1").replace(",", "")))
                .sum();
        assertEquals((long) threads * perThread, summed + admitted.get(), "every event logged or summed up");
        assertEquals(0, small.keys(), "everything forgotten");
    }

    @Test
    void windowsEndingWhileEventLoopsCountLoseNoEvent() throws Exception {
        LogLimiter small = new LogLimiter(ticker, 5, LogLimiter.WINDOW, 4);
        int threads = 3;
        int perThread = 50_000;
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger running = new AtomicInteger(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (small.admit(FAILED, "10.0.0." + i % 6)) {
                            admitted.incrementAndGet();
                        }
                    }
                    running.decrementAndGet();
                    return null;
                }));
            }
            // Windows end under the counting threads' feet, as many times as it takes them to finish.
            while (running.get() > 0) {
                ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);
                small.flush();
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        small.flushAll();
        long summed = logs.lines().stream()
                .mapToLong(line -> Long.parseLong(line.replaceAll(".*: ([0-9,]+) more like this.*", "$1").replace(",", "")))
                .sum();
        assertEquals((long) threads * perThread, summed + admitted.get(), "every event logged or summed up");
        assertEquals(0, small.keys(), "everything forgotten");
    }
}
