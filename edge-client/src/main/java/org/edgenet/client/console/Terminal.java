package org.edgenet.client.console;

import java.io.PrintWriter;

/**
 * The device's screen. Lines come from the console thread and, for background transfers, from
 * other threads; one lock keeps each line whole, and a line that arrives while the console waits
 * for a command is followed by the command prompt again, so the user always sees where to type.
 */
public final class Terminal {
    public static final String COMMAND_PROMPT =
            "Enter one of the following commands (EDG, UED, SCS, DTE, AED, UVF, MSG, RDM, DLD, TID, BCN, UCL, OUT):";

    private final PrintWriter out;
    private boolean atCommandPrompt;
    /** A question is on the screen and its answer not typed yet: the cursor is after it. */
    private boolean questionOpen;

    public Terminal(PrintWriter out) {
        this.out = out;
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
}
