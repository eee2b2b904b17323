package org.edgenet.client.console;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * The console's screen and keyboard on a real terminal, through JLine: history kept in
 * {@code ~/.edgenet_history}, Tab completion of commands, device names and local files (see
 * {@link Completions}), lines that arrive in the background printed above the prompt instead of
 * repeating it, and transfers shown in one status line under the prompt.
 *
 * <p>Only command lines enter the history: the answers to {@code Username:}, {@code Password:} and
 * the other questions never do. A password is read without echo; on a dumb terminal, where JLine
 * cannot mask, it is read as a plain line (still kept out of the history).
 *
 * <p>Piped standard input never comes here: {@link #open} is called only when the JVM has a
 * console, so scripts keep the plain {@link Terminal} and no JLine class is loaded for them.
 */
public final class LineTerminal extends Terminal implements ConsoleInput {
    private static final Logger log = LoggerFactory.getLogger(LineTerminal.class);

    static final String HISTORY_FILE = ".edgenet_history";
    static final int HISTORY_LINES = 1000;
    /** The prompt under the commands' list: the cursor waits on a short line of its own. */
    static final String PROMPT = COMMAND_PROMPT + "\n> ";
    private static final long PAINT_MILLIS = 500;
    /** JLine reports through java.util.logging, which would print on the console; held so it stays off. */
    private static final java.util.logging.Logger JLINE_LOG = java.util.logging.Logger.getLogger("org.jline");

    private final org.jline.terminal.Terminal terminal;
    private final Reader reader;
    private final boolean dumb;
    /** Null where the terminal cannot keep a line at the bottom (a dumb one). */
    private final Status status;
    private final TransferStatus transfers;
    private final Completions completions;
    private final ScheduledExecutorService painter;
    private String shownStatus = "";
    /** What the next read shows, and whether its line may enter the history. */
    private volatile String prompt = PROMPT;
    private volatile boolean commandLine = true;
    /** The session is over (the server went away): a read cut short then is no Ctrl-C of the user's. */
    private volatile boolean ending;

    LineTerminal(org.jline.terminal.Terminal terminal, Path history, Path dir, Clock clock) {
        this.terminal = terminal;
        this.dumb = terminal.getType().startsWith(org.jline.terminal.Terminal.TYPE_DUMB);
        this.completions = new Completions(dir);
        this.transfers = new TransferStatus(clock);
        this.reader = new Reader(terminal);
        // Typed lines are taken as they are: a quote or a backslash in a MSG is text, not syntax.
        DefaultParser parser = new DefaultParser();
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        reader.setParser(parser);
        reader.option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        reader.option(LineReader.Option.CASE_INSENSITIVE, true);
        reader.option(LineReader.Option.AUTO_FRESH_LINE, true);
        reader.setVariable(LineReader.HISTORY_FILE, history);
        reader.setVariable(LineReader.HISTORY_SIZE, HISTORY_LINES);
        reader.setVariable(LineReader.HISTORY_FILE_SIZE, HISTORY_LINES);
        reader.setCompleter(new DeviceCompleter());
        ownerOnly(history);
        reader.setHistory(new DefaultHistory(reader));
        this.status = dumb || !canKeepStatusLine(terminal) ? null : Status.getStatus(terminal);
        // One repeating task draws the status line; nothing from the network queues here.
        this.painter = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("console-status", true));
        if (status != null) {
            // The line is kept, blank when idle, from the start: the reader redraws its prompt
            // well under a status line that changes, not under one that appears while it reads.
            status.update(List.of(AttributedString.EMPTY));
            painter.scheduleWithFixedDelay(this::paint, PAINT_MILLIS, PAINT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The console of the JVM's terminal, or the plain {@link Terminal} over {@code out} when JLine
     * cannot open it; either way a console that works.
     */
    public static Terminal open(PrintWriter out, Path dir) {
        JLINE_LOG.setLevel(Level.OFF);
        try {
            org.jline.terminal.Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
            Path history = Path.of(System.getProperty("user.home"), HISTORY_FILE);
            log.info("Console on a {} terminal, history in {}", terminal.getType(), history);
            return new LineTerminal(terminal, history, dir, Clock.systemUTC());
        } catch (IOException | RuntimeException | LinkageError e) {
            log.warn("No line editing on this terminal", e);
            return new Terminal(out);
        }
    }

    /** JLine's reader, for tests. */
    LineReaderImpl reader() {
        return reader;
    }

    // ---- the screen

    @Override
    public void say(String line) {
        reader.printAbove(line);
    }

    @Override
    public void ask(String question) {
        prompt = question;
        commandLine = false;
    }

    @Override
    public void commandPrompt() {
        prompt = PROMPT;
        commandLine = true;
    }

    @Override
    public void inputTaken() {
        // The line typed stays on the screen after its prompt; nothing to tidy.
    }

    @Override
    public void interrupt(String line) {
        ending = true;
        reader.printAbove(line);
    }

    @Override
    public void announce(String line) {
        reader.printAbove(line);
    }

    @Override
    public void joined(DeviceName device) {
        completions.joined(device);
        say("Tab completes commands, device names and files; Up recalls earlier commands; help says what each does.");
    }

    @Override
    public void listedActive(List<DeviceInfo> devices) {
        completions.listedActive(devices);
    }

    @Override
    public void heardFrom(String device) {
        completions.heardFrom(device);
    }

    @Override
    public boolean progress(String key, String label, long doneBytes, long totalBytes) {
        if (status == null) {
            return false;
        }
        transfers.update(key, label, doneBytes, totalBytes);
        return true;
    }

    @Override
    public void progressEnded(String key) {
        transfers.end(key);
    }

    @Override
    public void close() {
        painter.shutdownNow();
        try {
            painter.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.locked(() -> {
            if (status != null) {
                // Gives the bottom line back to the shell that follows.
                status.hide();
            }
            if (reader.isReading()) {
                // The server went away at the prompt: the shell's prompt starts on a line of its own.
                terminal.writer().println();
                terminal.flush();
            }
        });
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            log.info("Cannot save the console history: {}", e.toString());
        }
        try {
            terminal.close();
        } catch (IOException e) {
            log.info("Cannot restore the terminal: {}", e.toString());
        }
    }

    // ---- the keyboard

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public String readLine() {
        String shown = prompt;
        boolean command = commandLine;
        while (true) {
            try {
                return read(shown, command, null);
            } catch (UserInterruptException e) {
                if (!command || ending) {
                    // Ctrl-C at a question gives up, as the end of the input does; and a read that
                    // the console stops as it ends is not to be asked again.
                    return null;
                }
                say("OUT (or Ctrl-D) leaves the network.");
            }
        }
    }

    @Override
    public String readPassword() {
        try {
            // A masked read on a dumb terminal never returns: there the password shows as typed.
            return read(prompt, false, dumb ? null : LineReaderImpl.NULL_MASK);
        } catch (UserInterruptException e) {
            return null;
        }
    }

    private String read(String shown, boolean history, Character mask) {
        reader.setVariable(LineReader.DISABLE_HISTORY, !history);
        try {
            return reader.readLine(shown, mask);
        } catch (EndOfFileException e) {
            return null;
        }
    }

    // ---- the status line

    /** On the painter thread: draws the transfers' line when it changed, under the reader's lock. */
    private void paint() {
        try {
            String line = transfers.line();
            if (line.equals(shownStatus)) {
                return;
            }
            shownStatus = line;
            AttributedString shown = line.isEmpty() ? AttributedString.EMPTY
                    : new AttributedString(line, AttributedStyle.INVERSE);
            reader.locked(() -> status.update(List.of(shown)));
        } catch (RuntimeException e) {
            log.warn("Cannot draw the status line", e);
        }
    }

    /** What {@link Status} needs to keep a line at the bottom while the rest scrolls. */
    private static boolean canKeepStatusLine(org.jline.terminal.Terminal terminal) {
        return terminal.getStringCapability(Capability.change_scroll_region) != null
                && terminal.getStringCapability(Capability.save_cursor) != null
                && terminal.getStringCapability(Capability.restore_cursor) != null
                && terminal.getStringCapability(Capability.cursor_address) != null
                && terminal.getHeight() > 2;
    }

    /** The history may hold messages typed with MSG: only the user reads it. */
    private static void ownerOnly(Path history) {
        try {
            if (Files.notExists(history)) {
                Files.createFile(history, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException | UnsupportedOperationException e) {
            log.info("Cannot create the console history {}: {}", history, e.toString());
        }
    }

    /** JLine's reader, with its lock lent to the status line so the two never draw at once. */
    private static final class Reader extends LineReaderImpl {
        Reader(org.jline.terminal.Terminal terminal) {
            super(terminal, "edgenet", new HashMap<>());
        }

        void locked(Runnable drawing) {
            lock.lock();
            try {
                drawing.run();
            } finally {
                lock.unlock();
            }
        }
    }

    private final class DeviceCompleter implements Completer {
        @Override
        public void complete(LineReader r, ParsedLine line, List<Candidate> candidates) {
            List<String> before = line.words().subList(0, Math.min(line.wordIndex(), line.words().size()));
            for (Completions.Choice c : completions.choices(before)) {
                candidates.add(new Candidate(c.value(), c.value(), null, c.description(), null, null, true));
            }
        }
    }
}
