package org.edgenet.server;

import org.edgenet.common.cli.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondClaimInTheSameProcessIsRefusedWithOurPid() throws Exception {
        try (DirectoryLock first = DirectoryLock.acquire(dir)) {
            StartupException e = assertThrows(StartupException.class, () -> DirectoryLock.acquire(dir));

            assertEquals("Another EdgeNet server (pid " + ProcessHandle.current().pid() + ") is using the directory "
                    + dir.toAbsolutePath().normalize(), e.getMessage(), "refusal");
            assertEquals(ProcessHandle.current().pid() + "\n",
                    Files.readString(dir.resolve(DirectoryLock.FILE_NAME)), "the owner's pid stays in the file");
        }
    }

    @Test
    void theDirectoryCanBeClaimedAgainOnceReleased() throws Exception {
        DirectoryLock.acquire(dir).close();

        try (DirectoryLock again = DirectoryLock.acquire(dir)) {
            assertEquals(dir.toAbsolutePath().normalize(), again.directory(), "claimed");
        }
    }

    @Test
    void aMissingDirectoryIsCreatedAndClaimed() throws Exception {
        Path nested = dir.resolve("a/b");

        try (DirectoryLock lock = DirectoryLock.acquire(nested)) {
            assertTrue(Files.isRegularFile(nested.resolve(DirectoryLock.FILE_NAME)), "lock file");
        }
    }

    @Test
    void theWorkingDirectoryIsCalledThisDirectory() {
        String text = DirectoryLock.refusal(java.util.OptionalLong.of(42), Path.of("").toAbsolutePath());

        assertEquals("Another EdgeNet server (pid 42) is using this directory", text, "refusal");
    }

    @Test
    void anotherProcessHoldingTheDirectoryIsNamedByItsPid() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("locked", out.readLine(), "the other process holds the lock");

            StartupException e = assertThrows(StartupException.class, () -> DirectoryLock.acquire(dir));

            assertTrue(e.getMessage().startsWith("Another EdgeNet server (pid " + holder.pid() + ") is using"),
                    e.getMessage());
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "holder exits when its input ends");
        }
        try (DirectoryLock mine = DirectoryLock.acquire(dir)) {
            assertEquals(List.of(String.valueOf(ProcessHandle.current().pid())),
                    Files.readAllLines(dir.resolve(DirectoryLock.FILE_NAME)), "our pid replaces the old one");
        }
    }

    /** Holds the lock of the directory in its first argument until its standard input ends. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (DirectoryLock lock = DirectoryLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // Wait for the test to close our input.
                }
            }
        }
    }
}
