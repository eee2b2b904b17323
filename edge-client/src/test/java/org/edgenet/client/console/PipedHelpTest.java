package org.edgenet.client.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code help} on piped standard input: plain lines between the usual prompts, nothing else. */
class PipedHelpTest {
    @TempDir
    Path dir;

    @Test
    void answersHelpWithPlainLinesAndThePromptOnce() {
        StringWriter out = new StringWriter();
        PeerSender peers = (address, file, ticket) -> CompletableFuture.completedFuture(null);
        new Console(new FakeServer(), peers, 8000, dir,
                ConsoleInput.of(new BufferedReader(new StringReader("supersmartwatch\ncomp9331\nhelp SCS\nOUT\n"))),
                new Terminal(new PrintWriter(out)), Duration.ofSeconds(30), new Random(7)).run();
        List<String> expected = new ArrayList<>(List.of("Username: Password: Welcome to the edge network, supersmartwatch!",
                Terminal.COMMAND_PROMPT,
                "Usage: SCS fileID computationOperation",
                "Asks the server for the SUM, AVERAGE, MAX or MIN of the samples of the uploaded data file fileID.",
                Terminal.COMMAND_PROMPT,
                "Bye, supersmartwatch!"));
        assertEquals(expected, out.toString().lines().toList(), "the whole screen");
        assertFalse(out.toString().contains("\u001b"), "no escape sequence");
    }
}
