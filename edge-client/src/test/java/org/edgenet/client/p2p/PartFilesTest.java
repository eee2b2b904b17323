package org.edgenet.client.p2p;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Partial files that interrupted transfers left: removed at start and at a clean exit, and nothing else. */
class PartFilesTest {
    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLoops() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aDeviceRemovesLeftoverPartFilesWhenItStartsAndSaysSo() throws Exception {
        Files.write(dir.resolve(".uvf-1x2y3z.part"), new byte[1000]);
        Files.write(dir.resolve(".uvf-abc.part"), new byte[24]);
        Files.writeString(dir.resolve("cam_clip.bin"), "kept");
        Files.writeString(dir.resolve(".uvf-notes.txt"), "kept");
        Files.createDirectory(dir.resolve(".uvf-dir.part"));
        RecordingEvents events = new RecordingEvents();

        try (PeerNode node = PeerNode.bind(group, 0, dir, events)) {
            assertArrayEquals(new long[] {2, 1024}, events.leftovers.poll(), "two files, 1,024 bytes");
            assertEquals(List.of(".uvf-dir.part", ".uvf-notes.txt", "cam_clip.bin"), names(), "everything else stays");
        }
        assertTrue(events.leftovers.isEmpty(), "nothing left to remove at the clean exit");
    }

    @Test
    void leftoversOfDownloadsGoTooButALiveDownloadsFileStays() throws Exception {
        PartFiles.Owned live = PartFiles.createForDownload(dir);
        try {
            assertTrue(live.path().getFileName().toString().startsWith(".dld-"), "named as a download's");
            Files.write(dir.resolve(".dld-old.part"), new byte[7]);
            Files.write(dir.resolve(".uvf-old.part"), new byte[3]);
            Files.writeString(dir.resolve(".dld-notes.txt"), "kept");

            assertEquals(new PartFiles.Removed(2, 10), PartFiles.removeLeftovers(dir), "both kinds of leftover");
            assertTrue(Files.exists(live.path()), "the live download's file stays");
            assertTrue(Files.exists(dir.resolve(".dld-notes.txt")), "not a part file");
        } finally {
            live.channel().close();
            Files.delete(live.path());
            PartFiles.release(live.path());
        }
    }

    @Test
    void aLiveTransfersFileIsNeverTakenForALeftover() throws Exception {
        PartFiles.Owned live = PartFiles.create(dir);
        try {
            Files.write(dir.resolve(".uvf-old.part"), new byte[10]);

            assertEquals(new PartFiles.Removed(1, 10), PartFiles.removeLeftovers(dir), "only the old one");
            assertTrue(Files.exists(live.path()), "the live one stays");
            live.channel().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            assertEquals(1, live.channel().size(), "and is still open, its lock still held");
        } finally {
            live.channel().close();
            PartFiles.release(live.path());
        }
    }

    @Test
    void aLeftoverFoundAtACleanExitIsRemovedToo() throws Exception {
        RecordingEvents events = new RecordingEvents();
        try (PeerNode node = PeerNode.bind(group, 0, dir, events)) {
            Files.write(dir.resolve(".uvf-late.part"), new byte[7]);
        }
        assertArrayEquals(new long[] {1, 7}, events.leftovers.poll(), "removed when the device closed");
        assertEquals(List.of(), names(), "nothing left");
    }

    private List<String> names() throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
