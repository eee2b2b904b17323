package org.edgenet.server.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleLogTest {
    /** The shipped console configuration, seen from the module's directory, where the tests run. */
    private static final Path SHIPPED = Path.of("..", "config", "logback.xml");
    /** The copy in the server's jar, used when no configuration is named. */
    private static final Path BUILT_IN = Path.of("src", "main", "resources", "logback.xml");

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        context.stop();
    }

    /** The shipped configuration, its console writing to {@code console} instead of standard output. */
    private Logger configure(OutputStream console) throws JoranException {
        context.setMDCAdapter(new LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(SHIPPED.toFile());
        ((ConsoleQueueAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE")).setOutputStream(console);
        return context.getLogger("org.edgenet.server.Test");
    }

    /** The messages written, without their time and level. */
    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (String line : written.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(line.substring(line.indexOf(' ', line.indexOf(' ') + 1)).strip());
        }
        return lines;
    }

    /** A console that runs {@code beforeEachWrite} before it takes each write of many bytes. */
    private OutputStream console(Runnable beforeEachWrite) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                beforeEachWrite.run();
                written.write(b, off, len);
            }
        };
    }

    /** A console that takes no output until {@code free} opens, so that the queue fills meanwhile. */
    private OutputStream heldUntil(CountDownLatch free) {
        return console(() -> awaitOpen(free));
    }

    private static void awaitOpen(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theServerJarCarriesTheSameConsoleConfigurationAsTheConfigDirectory() throws IOException {
        assertEquals(Files.readString(SHIPPED), Files.readString(BUILT_IN),
                "config/logback.xml and the server's built-in logback.xml differ");
    }

    @Test
    void linesStillQueuedAtTheStopAreWrittenOutBeforeFlushReturns() throws JoranException {
        // A slow console, so that most lines are still queued when the flush starts.
        Logger log = configure(console(() -> LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200))));
        for (int i = 0; i < 1_000; i++) {
            log.info("line {}", i);
        }
        log.warn("the last line");

        ConsoleLog.flush(context);

        List<String> lines = lines();
        assertEquals(1_001, lines.size(), "every line logged before the stop is written");
        assertEquals("line 0", lines.get(0), "lines keep their order");
        assertEquals("the last line", lines.get(1_000), "the last line comes last");
    }

    @Test
    void aFullQueueDropsInfoLinesWithoutBlockingButKeepsEveryWarning() throws Exception {
        CountDownLatch consoleFree = new CountDownLatch(1);
        Logger log = configure(heldUntil(consoleFree));
        // Far more than the queue holds: this returns only because INFO lines are dropped, not queued.
        for (int i = 0; i < 50_000; i++) {
            log.info("info {}", i);
        }
        for (int i = 0; i < 1_000; i++) {
            log.warn("warning {}", i);
        }
        consoleFree.countDown();

        ConsoleLog.flush(context);

        List<String> written = lines();
        long warnings = written.stream().filter(line -> line.startsWith("warning ")).count();
        long infos = written.stream().filter(line -> line.startsWith("info ")).count();
        assertEquals(1_000, warnings, "every warning is written");
        assertTrue(infos > 0 && infos < 50_000, "INFO lines beyond the queue's room are dropped, not waited for: "
                + infos);
    }

    @Test
    void linesQueuedWhileTheConsoleIsBusyAreWrittenTogetherNotOneWriteEach() throws Exception {
        CountDownLatch firstWrite = new CountDownLatch(1);
        CountDownLatch consoleFree = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        Logger log = configure(console(() -> {
            writes.incrementAndGet();
            firstWrite.countDown();
            awaitOpen(consoleFree);
        }));
        log.info("first");
        assertTrue(firstWrite.await(10, TimeUnit.SECONDS), "the writer writes a line without being stopped");
        for (int i = 0; i < 1_000; i++) {
            log.info("line {}", i);
        }
        consoleFree.countDown();

        ConsoleLog.flush(context);

        assertEquals(1_001, lines().size(), "every line is written");
        assertTrue(writes.get() <= 3, "the thousand lines queued behind the first went out in a batch or two, not in "
                + writes.get() + " writes");
    }

    @Test
    void aWriterAsleepAfterAQuietSpellWakesForTheNextLine() throws Exception {
        context.setMDCAdapter(new LogbackMDCAdapter());
        ConsoleQueueAppender appender = new ConsoleQueueAppender();
        appender.setContext(context);
        appender.setLingerMillis(1);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setEncoder(encoder);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        appender.setOutputStream(new OutputStream() {
            @Override
            public synchronized void write(int b) {
                console.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                console.write(b, off, len);
            }
        });
        appender.start();
        Logger log = context.getLogger("org.edgenet.server.Test");
        log.addAppender(appender);

        log.info("before the quiet spell");
        awaitWritten(console, "before the quiet spell\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!appender.asleep()) {
            assertTrue(System.nanoTime() < deadline, "the writer sleeps after a quiet spell");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        log.info("after it");

        awaitWritten(console, "before the quiet spell\nafter it\n");
    }

    private static void awaitWritten(ByteArrayOutputStream console, String expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String now;
            synchronized (console) {
                now = console.toString(StandardCharsets.UTF_8);
            }
            if (now.equals(expected)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the console shows " + expected.strip() + ", not: " + now);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void aMessageShowsItsArgumentsAsTheyWereWhenLoggedEvenIfOneChangesWhileQueued() throws Exception {
        CountDownLatch consoleFree = new CountDownLatch(1);
        Logger log = configure(heldUntil(consoleFree));
        StringBuilder changing = new StringBuilder("before");
        log.info("{} has {} in {}", new Named("alice"), changing, TimeUnit.SECONDS);
        changing.setLength(0);
        changing.append("after");
        consoleFree.countDown();

        ConsoleLog.flush(context);

        assertEquals(List.of("alice has before in SECONDS"), lines());
    }

    @Test
    void onlyStringsNumbersEnumsAndRecordsOfThemWaitToBeFormatted() {
        assertTrue(ConsoleQueueAppender.immutable(new Object[] {"a", 1L, 2.5, TimeUnit.SECONDS, new Named("b"), null}),
                "values that cannot change");
        assertFalse(ConsoleQueueAppender.immutable(new Object[] {"a", new StringBuilder()}), "a builder can change");
        assertFalse(ConsoleQueueAppender.immutable(new Object[] {new Holder(new ArrayList<>())}),
                "a record holding a list can change");
    }

    private record Named(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    private record Holder(List<String> values) {
    }
}
