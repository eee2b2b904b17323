package org.edgenet.client.console;

import org.edgenet.client.net.DownloadFailedException;
import org.edgenet.client.net.ServerError;
import org.edgenet.common.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's DLD, driven by a script against a scripted server: every text a user can see. */
class DownloadCommandTest {
    private static final String LOGIN = "supersmartwatch\ncomp9331\n";

    @TempDir
    Path dir;
    private final FakeServer server = new FakeServer();

    /** The lines printed in answer to {@code commands}, after the welcome, without prompts or the goodbye. */
    private List<String> answers(String commands) {
        StringWriter out = new StringWriter();
        Console console = new Console(server, (address, file, ticket) -> CompletableFuture.completedFuture(null), 8000,
                dir, ConsoleInput.of(new BufferedReader(new StringReader(LOGIN + commands))),
                new Terminal(new PrintWriter(out)), Duration.ofSeconds(30), new Random(7));
        assertEquals(0, console.run(), "exit code");
        String text = out.toString();
        List<String> lines = new ArrayList<>(text.substring(text.indexOf("Welcome to the edge network")).lines()
                .skip(1).filter(l -> !l.equals(Terminal.COMMAND_PROMPT)).toList());
        assertEquals("Bye, supersmartwatch!", lines.remove(lines.size() - 1));
        return lines;
    }

    @Test
    void explainsEveryDldArgumentErrorAndAsksTheServerNothing() {
        assertEquals(List.of(
                        "fileID is missing or fileID should be an integer",
                        "fileID is missing or fileID should be an integer",
                        "the fileID must not be negative",
                        "too many arguments, the usage is: DLD fileID"),
                answers("DLD\nDLD x\nDLD -1\nDLD 1 2\n"));
        assertFalse(server.requests().stream().anyMatch(r -> r.startsWith("Download")), "nothing asked");
    }

    @Test
    void downloadsIntoTheDevicesFileNameAndSaysWhetherItReplacedOne() throws IOException {
        server.stored.put(4L, "1\n2\n".getBytes(StandardCharsets.US_ASCII));

        assertEquals(List.of(
                        "Data file with ID of 4 has been downloaded from the server to supersmartwatch-4.txt (4 bytes, "
                                + "SHA-256 checked)",
                        "Data file with ID of 4 has been downloaded from the server to supersmartwatch-4.txt (4 bytes, "
                                + "SHA-256 checked; it replaced the local copy)"),
                answers("DLD 4\nDLD 4\n"));
        assertEquals("1\n2\n", Files.readString(dir.resolve("supersmartwatch-4.txt")));
    }

    @Test
    void anUnknownFileIsSaidAsForScsAndDte() {
        assertEquals(List.of("the file does not exist at the server side"), answers("DLD 9\n"));
    }

    @Test
    void theServersOtherRefusalsAreShownWithTheirReason() {
        server.stored.put(4L, new byte[] {'1', '\n'});
        server.downloadFailure = new ServerError(ErrorCode.FILE_CHANGED,
                "file 4 changed at the server side during the download; try again");

        assertEquals(List.of("the server could not send file 4: file 4 changed at the server side during the "
                + "download; try again"), answers("DLD 4\n"));
    }

    @Test
    void aDownloadThisDeviceCouldNotStoreSaysThatTheLocalFileIsUnchanged() throws IOException {
        Files.writeString(dir.resolve("supersmartwatch-4.txt"), "old\n");
        server.stored.put(4L, new byte[] {'1', '\n'});
        server.downloadFailure = new DownloadFailedException("the disk is full");

        assertEquals(List.of("the download of file 4 failed: the disk is full; supersmartwatch-4.txt was not changed"),
                answers("DLD 4\n"));
        assertEquals("old\n", Files.readString(dir.resolve("supersmartwatch-4.txt")));
    }

    @Test
    void aDirectoryOfThatNameIsNeverReplaced() throws IOException {
        Files.createDirectory(dir.resolve("supersmartwatch-4.txt"));
        server.stored.put(4L, new byte[] {'1', '\n'});

        assertEquals(List.of("supersmartwatch-4.txt is a directory in the client directory; nothing was downloaded"),
                answers("DLD 4\n"));
        assertTrue(Files.isDirectory(dir.resolve("supersmartwatch-4.txt")));
    }

    @Test
    void aLargeDownloadShowsItsProgressAtEachQuarter() {
        server.stored.put(4L, new byte[] {'1', '\n'});
        server.downloadSize = 64L * 1024 * 1024;

        assertEquals(List.of(
                        "Downloading supersmartwatch-4.txt: 25% (16777216 of 67108864 bytes)",
                        "Downloading supersmartwatch-4.txt: 50% (33554432 of 67108864 bytes)",
                        "Downloading supersmartwatch-4.txt: 75% (50331648 of 67108864 bytes)",
                        "Data file with ID of 4 has been downloaded from the server to supersmartwatch-4.txt (67108864 "
                                + "bytes, SHA-256 checked)"),
                answers("DLD 4\n"));
    }

    @Test
    void aSmallDownloadShowsNoProgress() {
        server.stored.put(4L, new byte[] {'1', '\n'});
        server.downloadSize = DownloadCommand.PROGRESS_THRESHOLD_BYTES - 1;

        assertEquals(1, answers("DLD 4\n").size(), "only the result");
    }
}
