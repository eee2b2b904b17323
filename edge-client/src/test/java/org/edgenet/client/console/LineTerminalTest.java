package org.edgenet.client.console;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MessagesWaiting;
import org.jline.reader.Candidate;
import org.jline.reader.Parser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JLine console on a dumb terminal built on piped streams: what enters the history, what Tab
 * offers through JLine, and what is printed.
 */
class LineTerminalTest {
    @TempDir
    Path dir;

    private final FakeServer server = new FakeServer();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private Path history() {
        return dir.resolve(LineTerminal.HISTORY_FILE);
    }

    private LineTerminal terminal(String typed) throws IOException {
        DumbTerminal dumb = new DumbTerminal(new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), screen);
        return new LineTerminal(dumb, history(), dir, Clock.systemUTC());
    }

    /** Runs the console over what is typed, then closes the terminal as the client does. */
    private int run(String typed) throws IOException {
        LineTerminal terminal = terminal(typed);
        PeerSender peers = (address, file, ticket) -> CompletableFuture.completedFuture(null);
        try {
            return new Console(server, peers, 8000, dir, terminal, terminal, Duration.ofSeconds(30), new Random(7)).run();
        } finally {
            terminal.close();
        }
    }

    /** The lines of the history file, without JLine's time stamps. */
    private List<String> historyLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(history())) {
            lines.add(l.substring(l.indexOf(':') + 1));
        }
        return lines;
    }

    @Test
    void keepsCommandsInTheHistoryButNeverTheLoginAnswers() throws IOException {
        server.loginReplies.add(LoginStatus.INVALID_PASSWORD);
        assertEquals(0, run("supersmartwatch\nwrong-secret\ncomp9331\nAED\nhelp UVF\nOUT\n"), "exit code after OUT");
        assertEquals(List.of("AED", "help UVF", "OUT"), historyLines(), "only the command lines");
        String file = Files.readString(history());
        assertFalse(file.contains("comp9331") || file.contains("wrong-secret"), "no password in " + file);
        assertFalse(file.contains("supersmartwatch"), "no user name in " + file);
        assertEquals(List.of("Login supersmartwatch", "Login supersmartwatch", "RegisterUdp 8000", "ListActive", "Leave"),
                server.requests, "the unmasked read on a dumb terminal still took both passwords");
    }

    @Test
    void leavesTheHistoryFileToItsOwnerAlone() throws IOException {
        run("supersmartwatch\ncomp9331\nOUT\n");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(history())), "messages typed with MSG are nobody else's business");
    }

    @Test
    void recallsTheHistoryOfAnEarlierSession() throws IOException {
        run("supersmartwatch\ncomp9331\nEDG 1 10\nOUT\n");
        LineTerminal next = terminal("");
        try {
            List<String> recalled = new ArrayList<>();
            next.reader().getHistory().forEach(e -> recalled.add(e.line()));
            assertEquals(List.of("EDG 1 10", "OUT"), recalled, "what Up brings back");
        } finally {
            next.close();
        }
    }

    @Test
    void printsHelpAndTheLinesOfTheCommands() throws IOException {
        run("supersmartwatch\ncomp9331\nhelp\nhelp DLD\nOUT\n");
        String out = screen.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Welcome to the edge network, supersmartwatch!"), out);
        assertTrue(out.contains("  UVF deviceName filename          send a file to another device, in the background"), out);
        assertTrue(out.contains("Usage: DLD fileID"), out);
        assertTrue(out.contains("Bye, supersmartwatch!"), out);
    }

    @Test
    void printsANoticeOfTheServer() throws IOException {
        server.joinNotices.add(new MessagesWaiting(2));
        run("supersmartwatch\ncomp9331\nOUT\n");
        assertTrue(screen.toString(StandardCharsets.UTF_8).contains("2 messages waiting; RDM to read them"),
                screen.toString(StandardCharsets.UTF_8));
    }

    @Test
    void completesADeviceNameFromTheLastAedThroughJline() throws IOException {
        server.active = List.of(new DeviceInfo(DeviceName.of("uav-camera"), "127.0.0.1", 8001, "now"),
                new DeviceInfo(DeviceName.of("yoda-wristband"), "127.0.0.1", 8002, "now"));
        LineTerminal terminal = terminal("supersmartwatch\ncomp9331\nAED\n");
        PeerSender peers = (address, file, ticket) -> CompletableFuture.completedFuture(null);
        try {
            new Console(server, peers, 8000, dir, terminal, terminal, Duration.ofSeconds(30), new Random(7)).run();
            assertEquals(List.of("uav-camera", "yoda-wristband"), complete(terminal, "UVF "), "after UVF");
            assertTrue(complete(terminal, "").contains("Download_tempID"), "a command's long name");
        } finally {
            terminal.close();
        }
    }

    @Test
    void leavesProgressToTheCallerOnADumbTerminal() throws IOException {
        LineTerminal terminal = terminal("");
        try {
            assertFalse(terminal.progress("k", "UVF a to b", 1, 2), "no status line: the quarters are printed instead");
        } finally {
            terminal.close();
        }
    }

    private static List<String> complete(LineTerminal terminal, String typed) {
        LineReaderImpl reader = terminal.reader();
        List<Candidate> candidates = new ArrayList<>();
        reader.getCompleter().complete(reader, reader.getParser().parse(typed, typed.length(), Parser.ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }
}
