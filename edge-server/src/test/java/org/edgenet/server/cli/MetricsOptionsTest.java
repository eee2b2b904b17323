package org.edgenet.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsOptionsTest {
    private final StringWriter err = new StringWriter();

    private static boolean enabled(String... args) throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs(args);
        return main.configure().metrics().enabled();
    }

    private int run(String... args) {
        CommandLine cmd = ServerMain.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void metricsAreOffUnlessAskedForAndTheFlagAloneTurnsThemOn() throws Exception {
        assertFalse(enabled("4000", "3"), "off by default");
        assertTrue(enabled("4000", "3", "--metrics"));
        assertTrue(enabled("--metrics", "TRUE", "4000", "3"));
        assertFalse(enabled("4000", "3", "--metrics=false"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "1", "4000"})
    void aValueOtherThanTrueOrFalseIsOneClearLineNotABadPort(String value) {
        assertEquals(1, run("--metrics", value, "4000", "3"), "exit code");
        assertEquals("Invalid value for --metrics: " + value + ". It must be true or false" + System.lineSeparator(),
                err.toString(), "exactly one line");
    }

    @Test
    void theConfigFileSaysMetricsTrueOrIsRefusedWithTheKey(@TempDir Path dir) throws Exception {
        Path on = Files.writeString(dir.resolve("on.properties"), "metrics=true\n");
        assertTrue(enabled("4000", "3", "--config", on.toString()));
        Path bad = Files.writeString(dir.resolve("bad.properties"), "metrics=yes\n");
        assertEquals(1, run("4000", "3", "--config", bad.toString()), "exit code");
        assertEquals("Config file " + bad + ", key metrics: Invalid value for --metrics: yes. It must be true or false"
                + System.lineSeparator(), err.toString());
    }
}
