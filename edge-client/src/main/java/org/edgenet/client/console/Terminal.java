package org.edgenet.client.console;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;

import java.io.PrintWriter;
import java.util.List;

/**
 * The device's screen. Lines come from the console thread and, for background transfers, from
 * other threads; one lock keeps each line whole, and a line that arrives while the console waits
 * for a command is followed by the command prompt again, so the user always sees where to type.
 *
 * <p>This is the screen of piped standard input and of tests: plain lines, nothing else. On a
 * terminal {@link LineTerminal} takes its place and also uses what the hooks at the end tell it
 * (names to complete, a status line); here they do nothing.
 */
public class Terminal {
    public static final String COMMAND_PROMPT =
            "Enter one of the following commands (EDG, UED, SCS, DTE, AED, UVF, MSG, RDM, DLD, TID, BCN, UCL, OUT):";

    private final PrintWriter out;
    private boolean atCommandPrompt;
    /** A question is on the screen and its answer not typed yet: the cursor is after it. */
    private boolean questionOpen;

    public Terminal(PrintWriter out) {
        this.out = out;
    }

    /** For a screen that prints elsewhere. */
    Terminal() {
        this(null);
    }

    /** A line in answer to what the user did. */
    public synchronized void say(String line) {
        questionOpen = false;
        out.println(line);
        out.flush();
    }

    /** A question answered on the same line, such as {@code Username: }. */
    public synchronized void ask(String prompt) {
        atCommandPrompt = false;
        questionOpen = true;
        out.print(prompt);
        out.flush();
    }

    public synchronized void commandPrompt() {
        atCommandPrompt = true;
        out.println(COMMAND_PROMPT);
        out.flush();
    }

    /** The user answered the prompt; lines from now on belong to the command. */
    public synchronized void inputTaken() {
        atCommandPrompt = false;
        questionOpen = false;
    }

    /** A line that ends the session, on a line of its own even when a question waits for its answer. */
    public synchronized void interrupt(String line) {
        if (questionOpen) {
            out.println();
        }
        say(line);
    }

    /** A line nobody asked for just now, e.g. a finished background transfer. */
    public synchronized void announce(String line) {
        out.println(line);
        if (atCommandPrompt) {
            out.println(COMMAND_PROMPT);
        }
        out.flush();
    }

    /** The console joined the network as {@code device}. */
    public void joined(DeviceName device) {
    }

    /** AED answered: these are the other active devices now. */
    public void listedActive(List<DeviceInfo> devices) {
    }

    /** A device made itself known, e.g. by a message or a file it sent. */
    public void heardFrom(String device) {
    }

    /**
     * Shows how far the transfer {@code key} has got, in a status line; false when this screen
     * has none, and the caller prints its own progress lines instead.
     */
    public boolean progress(String key, String label, long doneBytes, long totalBytes) {
        return false;
    }

    /** The transfer {@code key} ended, well or not: its progress goes. */
    public void progressEnded(String key) {
    }

    /** Gives the screen back as the console found it. */
    public void close() {
    }
}
