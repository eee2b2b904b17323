package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchedCredentialStoreTest {
    private static final DeviceName WATCH = DeviceName.of("supersmartwatch");
    private static final DeviceName BAND = DeviceName.of("superwristband");

    @TempDir
    Path dir;
    private WatchedCredentialStore store;

    @AfterEach
    void tearDown() {
        if (store != null) {
            store.close();
        }
    }

    /** Writes the file and moves its time on, so a change is seen whatever the clock's resolution. */
    private Path write(Path file, String text, int second) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L + second * 1000L));
        return file;
    }

    private WatchedCredentialStore open(Path file, int threads, int queue) throws Exception {
        // Never polls by itself: the test calls checkNow().
        store = WatchedCredentialStore.open(file, Duration.ZERO, threads, queue);
        return store;
    }

    @Test
    void aChangedFileReplacesTheTableAndSaysWhatChangedInOneLine() throws Exception {
        Path file = write(dir.resolve("credentials.txt"), "supersmartwatch comp9331\nsuperwristband davidpass\n"
                + "wei-smartphone ph0ne$Wei\n", 0);
        open(file, 1, 1);
        write(file, "supersmartwatch newpass\nwei-smartphone ph0ne$Wei\nyoda-wristband indiana#Jones\n", 1);

        try (LogCapture logs = new LogCapture(WatchedCredentialStore.class)) {
            assertTrue(store.checkNow(), "the new file is taken");
            assertEquals(List.of("INFO Credentials reloaded from " + file + ": 1 added (yoda-wristband), 1 removed"
                    + " (superwristband), 1 changed (supersmartwatch); 3 devices"), logs.lines());
        }
        assertTrue(store.matches(WATCH, "newpass"), "changed password");
        assertFalse(store.matches(WATCH, "comp9331"), "the old one no longer");
        assertFalse(store.knows(BAND), "removed");
        assertTrue(store.knows(DeviceName.of("yoda-wristband")), "added");
        assertFalse(store.checkNow(), "an unchanged file is not read again");
    }

    @Test
    void anInvalidFileKeepsTheOldTableAndSaysWhy() throws Exception {
        Path file = write(dir.resolve("credentials.txt"), "supersmartwatch comp9331\nsuperwristband davidpass\n", 0);
        open(file, 1, 1);

        try (LogCapture logs = new LogCapture(WatchedCredentialStore.class)) {
            write(file, "supersmartwatch other\nbroken-line\nx y z\n", 1);
            assertFalse(store.checkNow(), "a file with bad lines is not taken");
            write(file, "", 2);
            assertFalse(store.checkNow(), "nor an empty one");
            Files.delete(file);
            assertFalse(store.checkNow(), "nor a missing one");
            assertFalse(store.checkNow(), "and the same problem is reported once");
            assertEquals(List.of(
                    "WARN Credentials file " + file + " not reloaded: line 2: not of the form 'name password' (and 1"
                            + " more bad lines); keeping the 2 devices loaded before",
                    "WARN Credentials file " + file + " not reloaded: it names no device; keeping the 2 devices"
                            + " loaded before",
                    "WARN Credentials file " + file + " not reloaded: the file does not exist; keeping the 2 devices"
                            + " loaded before"), logs.lines());
        }
        assertTrue(store.matches(WATCH, "comp9331"), "the old table is still in use");
        assertTrue(store.knows(BAND), "with every device");

        write(file, "superwristband davidpass\n", 3);
        assertTrue(store.checkNow(), "a good file is taken again");
        assertFalse(store.knows(WATCH), "from the new file");
    }

    @Test
    void hashesAreCheckedOnThePoolAndPlainPasswordsAtOnce() throws Exception {
        Path file = write(dir.resolve("credentials.txt"), "supersmartwatch " + Argon2Hashes.hash("comp9331")
                + "\nsuperwristband davidpass\n", 0);
        open(file, 1, 4);

        CompletableFuture<Boolean> plain = store.verify(BAND, "davidpass");
        assertTrue(plain.isDone() && plain.join(), "a plain password needs no thread");

        String[] thread = new String[1];
        CompletableFuture<Boolean> hashed = store.verify(WATCH, "comp9331")
                .whenComplete((r, e) -> thread[0] = Thread.currentThread().getName());
        assertTrue(hashed.get(10, TimeUnit.SECONDS), "the right password matches its hash");
        assertTrue(thread[0].startsWith("password-check-"), "checked on the pool, not on " + thread[0]);
        assertFalse(store.verify(WATCH, "comp9330").get(10, TimeUnit.SECONDS), "a wrong one does not");
    }

    @Test
    void anUnknownNameIsCheckedAgainstADecoyWithTheSameParameters() throws Exception {
        Path file = write(dir.resolve("credentials.txt"), "supersmartwatch " + Argon2Hashes.hash("comp9331") + "\n", 0);
        open(file, 1, 4);
        Secret.Hashed known = (Secret.Hashed) store.secret(WATCH).orElseThrow();
        Secret.Hashed decoy = (Secret.Hashed) store.decoy().orElseThrow();
        assertEquals(known.function(), decoy.function(), "same memory, iterations and lanes: the same cost");

        CountDownLatch hold = new CountDownLatch(1);
        store.checks().execute(() -> awaitQuietly(hold));
        CompletableFuture<Boolean> unknown = store.verify(DeviceName.of("nobody-here"), "comp9331");
        assertFalse(unknown.isDone(), "the unknown name waits for the pool like a known one");
        hold.countDown();
        assertFalse(unknown.get(10, TimeUnit.SECONDS), "and never matches");
    }

    @Test
    void aFullPoolRefusesRatherThanQueueing() throws Exception {
        Path file = write(dir.resolve("credentials.txt"), "supersmartwatch " + Argon2Hashes.hash("comp9331") + "\n", 0);
        open(file, 1, 1);
        CountDownLatch hold = new CountDownLatch(1);
        store.checks().execute(() -> awaitQuietly(hold));
        CompletableFuture<Boolean> queued = store.verify(WATCH, "comp9331");

        assertThrows(VerifierBusyException.class, () -> store.verify(WATCH, "comp9331"), "one thread, one waiting");
        hold.countDown();
        assertTrue(queued.get(10, TimeUnit.SECONDS), "the one that waited is served");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
