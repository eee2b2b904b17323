package org.edgenet.client.console;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Lines from background transfers keep the screen readable. */
class TerminalTest {
    private final StringWriter out = new StringWriter();
    private final Terminal terminal = new Terminal(new PrintWriter(out));

    @Test
    void showsThePromptAgainAfterALineThatArrivesWhileWaitingForACommand() {
        terminal.commandPrompt();
        terminal.announce("Received clip.mp4 from uav-camera");

        assertEquals(Terminal.COMMAND_PROMPT + "\nReceived clip.mp4 from uav-camera\n" + Terminal.COMMAND_PROMPT + "\n",
                out.toString(), "line, then the prompt again");
    }

    @Test
    void doesNotRepeatThePromptWhileACommandRuns() {
        terminal.commandPrompt();
        terminal.inputTaken();
        terminal.announce("clip.mp4 has been uploaded");
        terminal.say("no other active edge devices");

        assertEquals(Terminal.COMMAND_PROMPT + "\nclip.mp4 has been uploaded\nno other active edge devices\n",
                out.toString(), "the command's own output follows");
    }

    @Test
    void announcesProgressOfLargeTransfersAtEachQuarterOnly() {
        TransferAnnouncer announcer = new TransferAnnouncer(terminal);
        long total = 100L * 1024 * 1024;
        for (long done = 0; done < total; done += total / 20) {
            announcer.progress("big.mp4", "uav-camera", true, done, total);
        }
        announcer.progress("small.txt", "uav-camera", false, 10, 20);

        assertEquals("Sending big.mp4 to uav-camera: 25%\nSending big.mp4 to uav-camera: 50%\n"
                + "Sending big.mp4 to uav-camera: 75%\n", out.toString(), "three lines for a large file, none for a small one");
    }

    @Test
    void saysHowManyPartialFilesOfInterruptedTransfersWereRemoved() {
        TransferAnnouncer announcer = new TransferAnnouncer(terminal);

        announcer.leftoversRemoved(1, 104_857_600);
        announcer.leftoversRemoved(3, 42);

        assertEquals("Removed 1 partial file (104857600 bytes) left by interrupted transfers (UVF or DLD)\n"
                + "Removed 3 partial files (42 bytes) left by interrupted transfers (UVF or DLD)\n", out.toString(), "one line each");
    }
}
