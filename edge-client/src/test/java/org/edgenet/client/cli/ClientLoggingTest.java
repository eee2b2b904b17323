package org.edgenet.client.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientLoggingTest {
    @Test
    void infoGoesToTheFileAndNettyOnlyFromWarnOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("device.log");
        LoggerContext context = new LoggerContext();
        // The real context gets its MDC adapter from the SLF4J provider; a bare one needs its own.
        context.setMDCAdapter(new LogbackMDCAdapter());
        String status;
        try {
            ClientLogging.configure(context, file.toString());
            context.getLogger("org.edgenet.client.Example").info("joined as {}", "supersmartwatch");
            context.getLogger("org.edgenet.client.Example").debug("not this");
            context.getLogger("io.netty.channel.Example").info("nor this");
            context.getLogger("io.netty.channel.Example").warn("but this");
            status = context.getStatusManager().getCopyOfStatusList().toString();
        } finally {
            context.stop();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.contains("[main] INFO  o.e.client.Example - joined as supersmartwatch"), "an INFO line: " + text + status);
        assertTrue(text.contains("[main] WARN  i.n.channel.Example - but this"), "Netty's WARN: " + text);
        assertFalse(text.contains("not this") || text.contains("nor this"), "nothing below the levels: " + text);
    }
}
