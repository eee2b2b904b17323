package org.edgenet.client.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.nio.file.Path;

/**
 * The device's logging, set up in code: reading an XML configuration took about a fifth of a
 * device's start. The console belongs to the user, so logs go to a file only,
 * {@code <java.io.tmpdir>/edge-client.log} unless {@code -Dedgenet.client.log=<file>} names another;
 * prudent mode lets several devices on one machine append to the same file safely. A configuration
 * named with {@code -Dlogback.configurationFile} or a {@code logback-test.xml} still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class ClientLogging extends ContextAwareBase implements Configurator {
    /** What {@link LogLineLayout} writes, in logback's words. */
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || ClientLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        String file = System.getProperty("edgenet.client.log",
                Path.of(System.getProperty("java.io.tmpdir"), "edge-client.log").toString());
        configure(context, file);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sends every INFO and above (WARN and above from Netty) to {@code file}, and nothing to the console. */
    static void configure(LoggerContext context, String file) {
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file);
        appender.setAppend(true);
        appender.setPrudent(true);
        appender.setEncoder(encoder);
        appender.start();
        context.getLogger("io.netty").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
    }
}
