package org.edgenet.server.cli;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
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
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        AsyncAppender async = (AsyncAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
        ((ConsoleAppender<ILoggingEvent>) async.getAppender("CONSOLE")).setOutputStream(console);
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

    @Test
    void theServerJarCarriesTheSameConsoleConfigurationAsTheConfigDirectory() throws IOException {
        assertEquals(Files.readString(SHIPPED), Files.readString(BUILT_IN),
                "config/logback.xml and the server's built-in logback.xml differ");
    }

    @Test
    void linesStillQueuedAtTheStopAreWrittenOutBeforeFlushReturns() throws JoranException {
        Logger log = configure(new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                // A slow console, so that most lines are still queued when the flush starts.
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                written.write(b, off, len);
            }
        });
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
        Logger log = configure(new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                // A console that takes no output, so that the queue fills.
                try {
                    consoleFree.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.write(b, off, len);
            }
        });
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
}
