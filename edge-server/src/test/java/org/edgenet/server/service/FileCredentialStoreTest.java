package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.server.LogCapture;
import org.edgenet.common.cli.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileCredentialStoreTest {
    @TempDir
    Path dir;

    @Test
    void readsNamePasswordLinesAndSkipsMalformedOnes() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, String.join("\n",
                "supersmartwatch comp9331",
                "vader-smartphone droiD$#$",
                "two  spaces",
                "tab\tseparated",
                "nopassword",
                " leading",
                "trailing ",
                "three words here",
                "bad/name secret",
                "",
                "crlf-device pass\r",
                "supersmartwatch second"));
        FileCredentialStore store = FileCredentialStore.load(file);

        assertEquals(3, store.size(), "the invalid name among the skipped lines");
        assertTrue(store.matches(DeviceName.of("supersmartwatch"), "comp9331"), "plain line");
        assertTrue(store.matches(DeviceName.of("vader-smartphone"), "droiD$#$"), "symbols in the password");
        assertTrue(store.matches(DeviceName.of("crlf-device"), "pass"), "CR LF line end");
        assertFalse(store.matches(DeviceName.of("supersmartwatch"), "second"), "the first entry counts");
        assertFalse(store.matches(DeviceName.of("supersmartwatch"), "COMP9331"), "case-sensitive");
        assertFalse(store.knows(DeviceName.of("two")), "malformed line skipped");
        assertFalse(store.matches(DeviceName.of("nobody"), "x"), "unknown");
    }

    @Test
    void aMissingFileStopsTheStartWithAClearMessage() {
        StartupException e = assertThrows(StartupException.class,
                () -> FileCredentialStore.load(dir.resolve("missing.txt")));
        assertEquals("Credentials file " + dir.resolve("missing.txt") + " does not exist", e.getMessage());
    }

    @Test
    void aDirectoryIsNotACredentialsFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("credentials.txt"));
        StartupException e = assertThrows(StartupException.class, () -> FileCredentialStore.load(sub));
        assertTrue(e.getMessage().startsWith("Credentials file " + sub + " cannot be read"), e.getMessage());
    }

    @Test
    void aByteOrderMarkIsSkippedAndLinesMayEndWithCrLfOrCr() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.write(file, bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "supersmartwatch comp9331\r\nuav-camera Fly#High22\rwei-smartphone ph0ne$Wei\r\n"));
        try (LogCapture logs = new LogCapture(FileCredentialStore.class)) {
            FileCredentialStore store = FileCredentialStore.load(file);

            assertEquals(3, store.size(), "the invalid name among the skipped lines");
            assertTrue(store.matches(DeviceName.of("supersmartwatch"), "comp9331"), "line 1 after the mark");
            assertTrue(store.matches(DeviceName.of("uav-camera"), "Fly#High22"), "CR alone ends a line");
            assertTrue(store.matches(DeviceName.of("wei-smartphone"), "ph0ne$Wei"), "CR LF ends a line");
            assertEquals(List.of(), logs.lines(), "nothing to report");
        }
    }

    @Test
    void aLineOfInvalidUtf8IsReportedByNumberAndTheOthersStillLoad() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.write(file, bytes("supersmartwatch comp9331\nuav-camera Fly#High22\nbroken p",
                new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF}, "ss\nwei-smartphone ph0ne$Wei\n"));
        try (LogCapture logs = new LogCapture(FileCredentialStore.class)) {
            FileCredentialStore store = FileCredentialStore.load(file);

            assertEquals(3, store.size(), "the invalid name among the skipped lines");
            assertFalse(store.knows(DeviceName.of("broken")), "the bad line is skipped");
            assertTrue(store.matches(DeviceName.of("wei-smartphone"), "ph0ne$Wei"), "the line after it loads");
            assertEquals(List.of("WARN " + file + " line 3: not valid UTF-8; skipped"), logs.lines());
        }
    }

    @Test
    void aNameLongerThanTheServerCanStoreIsRefusedByLineNumberWithoutThePassword() throws Exception {
        Path file = dir.resolve("credentials.txt");
        String longest = "d".repeat(DeviceNames.MAX_BYTES);
        String tooLong = "e".repeat(DeviceNames.MAX_BYTES + 1);
        Files.writeString(file, longest + " secret1\n\n" + tooLong + " secret2\n" + "f".repeat(240) + " secret3\n");
        try (LogCapture logs = new LogCapture(FileCredentialStore.class)) {
            FileCredentialStore store = FileCredentialStore.load(file);

            assertEquals(1, store.size());
            assertTrue(store.matches(DeviceName.of(longest), "secret1"),
                    "a name at the limit, one byte longer skipped");
            assertEquals(List.of(
                    "WARN " + file + " line 3: device name is 201 bytes, longer than the 200 the server can store; skipped",
                    "WARN " + file + " line 4: device name is 240 bytes, longer than the 200 the server can store; skipped"),
                    logs.lines());
        }
    }

    @Test
    void otherBadLinesAreReportedByNumberAndNeverWithThePassword() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, "bad/name hunter2\ntwo  hunter3\n");
        try (LogCapture logs = new LogCapture(FileCredentialStore.class)) {
            FileCredentialStore.load(file);
            assertEquals(List.of(
                    "WARN " + file + " line 1: device name is not valid; skipped",
                    "WARN " + file + " line 2: not of the form 'name password'; skipped"), logs.lines());
        }
    }

    /** The concatenation of byte arrays and the UTF-8 bytes of strings. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
