package org.edgenet.server.service;

import org.edgenet.server.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

        assertEquals(3, store.size());
        assertTrue(store.matches("supersmartwatch", "comp9331"), "plain line");
        assertTrue(store.matches("vader-smartphone", "droiD$#$"), "symbols in the password");
        assertTrue(store.matches("crlf-device", "pass"), "CR LF line end");
        assertFalse(store.matches("supersmartwatch", "second"), "the first entry counts");
        assertFalse(store.matches("supersmartwatch", "COMP9331"), "case-sensitive");
        assertFalse(store.knows("two"), "malformed line skipped");
        assertFalse(store.knows("bad/name"), "invalid name skipped");
        assertFalse(store.matches("nobody", "x"), "unknown");
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
}
