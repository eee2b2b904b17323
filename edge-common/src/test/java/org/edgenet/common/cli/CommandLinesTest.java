package org.edgenet.common.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CommandLinesTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** One in 1..5 as an argument or an option; {@code --fail} makes the run itself fail. */
    @Command(name = "demo", mixinStandardHelpOptions = true)
    static final class Demo implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", converter = OneToFive.class)
        Integer argument;

        @Option(names = "--n", converter = OneToFive.class)
        Integer option;

        @Option(names = "--fail")
        String fail;

        @Override
        public Integer call() throws Exception {
            if ("startup".equals(fail)) {
                throw new StartupException("Cannot start: the port is taken", new java.io.IOException("in use"));
            }
            if ("bug".equals(fail)) {
                throw new IllegalStateException("broken");
            }
            Integer n = CommandLines.positionalOrOption(argument, option, "number");
            return n == null ? 0 : 10 + n;
        }
    }

    static final class OneToFive extends WholeNumberConverter {
        OneToFive() {
            super(1, 5, "Invalid number: %s. It is from 1 to 5");
        }
    }

    private int run(String... args) {
        CommandLine cmd = CommandLines.create(new Demo(), "Demo tool", e -> "Unexpected: " + e.getMessage());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "6", "2.5", "abc", "", " 3", "0x3", "3 ", "99999999999"})
    void aRefusedValuePrintsOnlyItsOwnMessageAndExitsWithOne(String value) {
        assertEquals(1, run("--n", value), "exit code");
        assertEquals("Invalid number: " + value + ". It is from 1 to 5" + System.lineSeparator(), err.toString(),
                "exactly the converter's line");
        assertEquals("", out.toString(), "nothing on standard output");
    }

    @Test
    void aSignedNumberWithinTheBoundsIsTaken() {
        assertEquals(13, run("+3"), "the number reached the command");
        assertEquals("", err.toString());
    }

    @Test
    void anUnknownOptionIsOneLinePointingToHelpWithPicocliExitCode() {
        assertEquals(2, run("--bogus"), "picocli's code for invalid input");
        assertEquals("Unknown option: '--bogus' (see --help)" + System.lineSeparator(), err.toString());
    }

    @Test
    void aStartupFailurePrintsItsMessageAloneWithoutTheCause() {
        assertEquals(CommandLines.FAILED, run("--fail", "startup"));
        assertEquals("Cannot start: the port is taken" + System.lineSeparator(), err.toString());
    }

    @Test
    void anUnexpectedFailureIsDescribedByTheCommand() {
        assertEquals(CommandLines.FAILED, run("--fail", "bug"));
        assertEquals("Unexpected: broken" + System.lineSeparator(), err.toString());
    }

    @Test
    void theVersionNamesTheProductAndFallsBackToDevOutsideAJar() {
        assertEquals(0, run("--version"));
        assertEquals("Demo tool dev" + System.lineSeparator(), out.toString());
    }

    @Test
    void anArgumentAndAnOptionThatAgreeAreOneValue() throws Exception {
        assertEquals(4, CommandLines.positionalOrOption(4, 4, "number"));
        assertEquals(4, CommandLines.positionalOrOption(null, 4, "number"));
        assertEquals(4, CommandLines.positionalOrOption(4, null, "number"));
        assertNull(CommandLines.positionalOrOption(null, null, "number"), "neither given");
    }

    @Test
    void anArgumentAndAnOptionThatDisagreeAreRefusedInOneLine() {
        assertEquals(CommandLines.FAILED, run("4", "--n", "5"));
        assertEquals("The number is given twice, as 4 and 5" + System.lineSeparator(), err.toString());
        StartupException e = assertThrows(StartupException.class,
                () -> CommandLines.positionalOrOption("a", "b", "host"));
        assertEquals("The host is given twice, as a and b", e.getMessage());
    }
}
