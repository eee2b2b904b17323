package org.edgenet.server.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivityLogTest {
    @TempDir
    Path dir;

    /** The writer thread, run by hand: whatever is appended meanwhile waits, as behind a slow force. */
    private final Deque<Runnable> writer = new ArrayDeque<>();
    private RecordingDisk disk;

    private ActivityLog open() throws IOException {
        disk = new RecordingDisk(dir);
        ActivityLog log = ActivityLog.open(dir.resolve("upload-log.txt"), disk, writer::add);
        disk.clear();
        return log;
    }

    private void runWriter() {
        while (!writer.isEmpty()) {
            writer.poll().run();
        }
    }

    private String file() throws IOException {
        return Files.readString(dir.resolve("upload-log.txt"));
    }

    @Test
    void linesQueuedWhileTheWriterIsBusyGoOutInOneWriteAndOneForce() throws IOException {
        try (ActivityLog log = open()) {
            List<String> completed = new ArrayList<>();
            List<CompletableFuture<Void>> appends = new ArrayList<>();
            for (String line : List.of("a", "b", "c")) {
                appends.add(log.append(line).thenRun(() -> completed.add(line)));
            }
            assertEquals(1, writer.size(), "one write queued for three lines");
            assertFalse(appends.get(0).isDone(), "no line is confirmed before it is on the disk");

            runWriter();

            assertEquals(List.of("write upload-log.txt", "force upload-log.txt"), disk.steps(), "one force");
            assertEquals(List.of("a", "b", "c"), completed, "completed in append order");
            assertEquals("a\nb\nc\n", file());

            log.append("d");
            runWriter();
            assertEquals(4, disk.steps().size(), "the next line is the next group");
            assertEquals("a\nb\nc\nd\n", file());
        }
    }

    @Test
    void aGroupThatMeetsAFullDiskFailsEveryLineAndLeavesTheFileAsItWas() throws IOException {
        try (ActivityLog log = open()) {
            log.append("kept");
            runWriter();
            disk.fill();
            CompletableFuture<Void> x = log.append("x-is-a-long-line-so-half-of-it-gets-written");
            CompletableFuture<Void> y = log.append("y");

            runWriter();

            for (CompletableFuture<Void> f : List.of(x, y)) {
                CompletionException e = assertThrows(CompletionException.class, f::join);
                assertEquals(RecordingDisk.NO_SPACE, assertInstanceOf(IOException.class, e.getCause()).getMessage());
            }
            assertEquals("kept\n", file(), "no part of the failed group stays");

            disk.free();
            CompletableFuture<Void> z = log.append("z");
            runWriter();
            assertTrue(z.isDone() && !z.isCompletedExceptionally(), "appends work again once space is back");
            assertEquals("kept\nz\n", file());
        }
    }
}
