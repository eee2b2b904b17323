package org.edgenet.server.cli;

import org.edgenet.common.format.DeviceName;
import org.edgenet.server.service.FileCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswdMainTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String stdin, String... args) {
        CommandLine cmd = PasswdMain.commandLine(new PasswdMain(null,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cmd.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void addsADeviceWithAHashOfThePasswordReadFromStandardInput() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, "superwristband davidpass\n");

        assertEquals(0, run("S3cret pass\n", file.toString(), "new-sensor"), err.toString());

        assertEquals("Added new-sensor in " + file + System.lineSeparator(), out.toString());
        String text = Files.readString(file);
        assertTrue(text.startsWith("superwristband davidpass\nnew-sensor $argon2id$"), text);
        assertFalse(text.contains("S3cret"), "the password is never written");
        FileCredentialStore store = FileCredentialStore.load(file);
        assertTrue(store.matches(DeviceName.of("new-sensor"), "S3cret pass"), "the whole line is the password");
        assertTrue(store.matches(DeviceName.of("superwristband"), "davidpass"), "other lines untouched");
    }

    @Test
    void changesThePasswordOfADeviceAlreadyThere() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, "supersmartwatch comp9331\n");

        assertEquals(0, run("n3w\r\n", file.toString(), "supersmartwatch"), err.toString());

        assertEquals("Changed the password of supersmartwatch in " + file + System.lineSeparator(), out.toString());
        FileCredentialStore store = FileCredentialStore.load(file);
        assertTrue(store.matches(DeviceName.of("supersmartwatch"), "n3w"), "a line without its CR LF");
        assertFalse(store.matches(DeviceName.of("supersmartwatch"), "comp9331"), "the old password is gone");
    }

    @Test
    void refusesABadNameOrAnEmptyPasswordAndChangesNothing() throws Exception {
        Path file = dir.resolve("credentials.txt");
        Files.writeString(file, "supersmartwatch comp9331\n");

        assertEquals(1, run("pw\n", file.toString(), "bad name"));
        assertEquals(1, run("\n", file.toString(), "supersmartwatch"));
        assertEquals(1, run("", file.toString(), "supersmartwatch"));
        assertEquals(1, run("pw\n", dir.toString(), "supersmartwatch"));

        assertEquals(String.join(System.lineSeparator(), "Invalid device name: " + invalidNameMessage(),
                "The password is empty; nothing changed", "No password on standard input; nothing changed",
                dir + " is a directory, not a credentials file", ""), err.toString());
        assertEquals("supersmartwatch comp9331\n", Files.readString(file), "the file is as it was");
    }

    private static String invalidNameMessage() {
        try {
            DeviceName.of("bad name");
            throw new AssertionError("a space is not valid in a name");
        } catch (org.edgenet.common.format.InvalidValueException e) {
            return e.getMessage();
        }
    }
}
