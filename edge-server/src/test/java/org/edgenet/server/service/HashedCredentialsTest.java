package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argon2id lines in the credentials file, and the editor behind edge-passwd. */
class HashedCredentialsTest {
    private static final DeviceName WATCH = DeviceName.of("supersmartwatch");

    @TempDir
    Path dir;

    @Test
    void aHashedLineAndPlainLinesWorkSideBySide() throws Exception {
        String hash = Argon2Hashes.hash("comp9331");
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, "supersmartwatch " + hash + "\nsuperwristband davidpass\n");

        FileCredentialStore store = FileCredentialStore.load(file);

        assertTrue(hash.startsWith("$argon2id$v=19$m=7168,t=5,p=1$"), "the server's parameters: " + hash);
        assertTrue(store.matches(WATCH, "comp9331"), "hashed password");
        assertFalse(store.matches(WATCH, "comp9332"), "wrong password for a hash");
        assertFalse(store.matches(WATCH, hash), "the hash itself is not the password");
        assertTrue(store.matches(DeviceName.of("superwristband"), "davidpass"), "plain line still works");
        assertTrue(store.secret(WATCH).orElseThrow().slow(), "a hash is checked off the event loop");
        assertFalse(store.secret(DeviceName.of("superwristband")).orElseThrow().slow(), "a plain one is not");
    }

    @Test
    void aFileWithoutHashesHasNoDecoySoUnknownNamesStayQuick() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, "superwristband davidpass\n");
        assertTrue(FileCredentialStore.load(file).decoy().isEmpty(), "no decoy needed when nothing is hashed");
    }

    @Test
    void unusableHashesAreSkippedWithTheReasonAndNeverShown() throws Exception {
        String good = Argon2Hashes.hash("x");
        String salt = good.split("\\$")[4];
        String digest = good.split("\\$")[5];
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, String.join("\n",
                "a-device $argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + digest,
                "b-device $argon2id$garbage",
                "c-device $argon2id$v=19$m=7168,t=0,p=1$" + salt + "$" + digest,
                "d-device " + good,
                "e-device $argon2i$v=19$m=7168,t=5,p=1$" + salt + "$" + digest, ""));

        try (LogCapture logs = new LogCapture(FileCredentialStore.class)) {
            FileCredentialStore store = FileCredentialStore.load(file);
            assertEquals(List.of(
                    "WARN " + file + " line 1: the hash asks for more than m=19456, t=16, p=4; skipped",
                    "WARN " + file + " line 2: not a valid Argon2id hash; skipped",
                    "WARN " + file + " line 3: not a valid Argon2id hash; skipped"), logs.lines());
            assertEquals(2, store.size(), "the good hash, and the argon2i text as a plain password");
            assertTrue(store.matches(DeviceName.of("e-device"), "$argon2i$v=19$m=7168,t=5,p=1$" + salt + "$"
                    + digest), "only $argon2id$ announces a hash; other text is a plain password");
        }
    }

    @Test
    void theEditorAddsChangesAndKeepsEveryOtherLineByteForByte() throws Exception {
        Path file = dir.resolve("credentials.txt");
        byte[] before = ("\uFEFFsupersmartwatch comp9331\r\nodd-line\nwei-smartphone ph0ne$Wei\n"
                + "supersmartwatch duplicate\nlast-line-without-end x").getBytes(StandardCharsets.UTF_8);
        byte[] withLatin1 = new byte[before.length + 3];
        System.arraycopy(before, 0, withLatin1, 0, before.length);
        withLatin1[before.length] = '\n';
        withLatin1[before.length + 1] = (byte) 0xE9; // not UTF-8: kept as it is
        withLatin1[before.length + 2] = '\n';
        Files.write(file, withLatin1);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertTrue(CredentialsFileEditor.set(file, WATCH, "SECRET1"), "an existing name is changed");
        assertFalse(CredentialsFileEditor.set(file, DeviceName.of("new-sensor"), "SECRET2"), "a new one is added");

        byte[] after = Files.readAllBytes(file);
        String expected = "\uFEFFsupersmartwatch SECRET1\r\nodd-line\nwei-smartphone ph0ne$Wei\n"
                + "last-line-without-end x\n";
        byte[] head = expected.getBytes(StandardCharsets.UTF_8);
        byte[] tail = "new-sensor SECRET2\n".getBytes(StandardCharsets.UTF_8);
        byte[] want = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, want, 0, head.length);
        want[head.length] = (byte) 0xE9;
        want[head.length + 1] = '\n';
        System.arraycopy(tail, 0, want, head.length + 2, tail.length);
        assertEquals(new String(want, StandardCharsets.ISO_8859_1), new String(after, StandardCharsets.ISO_8859_1),
                "first line replaced, its duplicate dropped, the rest kept, the new name appended");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "the file keeps its permissions");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void theEditorCreatesAMissingFileForItsOwnerOnly() throws Exception {
        Path file = dir.resolve("new-credentials.txt");
        assertFalse(CredentialsFileEditor.set(file, WATCH, "SECRET"), "added");
        assertEquals("supersmartwatch SECRET\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aReloadRefusesAFileWithADuplicateName() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, "supersmartwatch a\nsupersmartwatch b\n");
        InvalidCredentialsException e = assertThrows(InvalidCredentialsException.class,
                () -> FileCredentialStore.reload(file));
        assertEquals("line 2: supersmartwatch appears again; the first entry counts", e.getMessage());
    }
}
