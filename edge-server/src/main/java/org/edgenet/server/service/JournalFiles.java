package org.edgenet.server.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The files of {@link JournalMessageStore}: starting them, filling them with zeros ahead of the
 * records ({@link #PREALLOCATE}), appending and forcing, and closing them, all through the
 * {@link Disk} seam. The writer thread owns them once the store is open.
 */
final class JournalFiles {
    // The store's logger, so operators keep finding the journal's lines under one name.
    private static final Logger log = LoggerFactory.getLogger(JournalMessageStore.class);

    /**
     * How far ahead of the records a file is filled with zeros: appends inside the zeros change no
     * metadata, so forcing the data alone makes them durable, several times faster than a force
     * that must also commit the file's new length.
     */
    static final int PREALLOCATE = 1024 * 1024;

    static final Pattern SEGMENT_NAME = Pattern.compile("journal-(\\d{16})\\.log");

    final Path dir;
    private final Disk disk;
    final int segmentBytes;
    /** Tells the id the next message will get, for the header of a new file. */
    private final LongSupplier nextId;
    /** Readers hold it shared while they read a file; the writer holds it alone to close one. */
    final ReentrantReadWriteLock retireLock = new ReentrantReadWriteLock();

    // Writer thread only, once open returns.
    /** Oldest first; the last one is written. */
    final ArrayDeque<Segment> segments;

    JournalFiles(Path dir, Disk disk, int segmentBytes, LongSupplier nextId) {
        this.dir = dir;
        this.disk = disk;
        this.segmentBytes = segmentBytes;
        this.nextId = nextId;
        this.segments = new ArrayDeque<>();
    }

    /** One journal file. */
    static final class Segment {
        final long seq;
        final Path file;
        final FileChannel channel;
        /** Bytes of records in the file, the zeros after them not counted; written by the writer only. */
        volatile long size;
        /** Length of the file, zeros included; writer only. */
        long allocated;
        /** Bytes and number of the records of waiting messages; guarded by the store. */
        long liveBytes;
        int liveCount;
        /** Set, under the write lock, when the file is closed for good. */
        boolean retired;
        /**
         * Compacted but still on the disk: nothing newer may be deleted before it (see
         * {@link JournalMessageStore}).
         */
        boolean undeletable;

        Segment(long seq, Path file, FileChannel channel, long size, long allocated) {
            this.seq = seq;
            this.file = file;
            this.channel = channel;
            this.size = size;
            this.allocated = allocated;
        }
    }

    /** The file the next {@code bytes} go to: a new one once the current one is full. */
    Segment segmentFor(int bytes) throws IOException {
        Segment current = segments.peekLast();
        if (current != null && (current.size == JournalRecord.HEADER_LENGTH
                || current.size + bytes <= segmentBytes)) {
            return current;
        }
        return startSegment(current == null ? 1 : current.seq + 1);
    }

    Segment startSegment(long seq) throws IOException {
        Path file = dir.resolve(String.format(Locale.ROOT, "journal-%016d.log", seq));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment seg = new Segment(seq, file, ch, JournalRecord.HEADER_LENGTH, 0);
        try {
            long next = nextId.getAsLong();
            disk.write(file, ch, ByteBuffer.wrap(JournalRecord.header(next)));
            seg.allocated = JournalRecord.HEADER_LENGTH;
            // Forces the header with the zeros after it.
            allocate(seg, JournalRecord.HEADER_LENGTH);
            disk.syncDirectory(dir);
        } catch (IOException e) {
            ch.close();
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // Recovery deletes a file whose header is incomplete.
            }
            throw e;
        }
        segments.addLast(seg);
        return seg;
    }

    /**
     * Writes {@code bytes} after the last record of {@code seg} and forces them to the disk. When
     * that fails, the bytes are zeroed again, so no partial record stays to run into the next one.
     */
    void append(Segment seg, ByteBuffer bytes) throws IOException {
        long start = seg.size;
        long end = start + bytes.remaining();
        if (end > seg.allocated) {
            allocate(seg, end);
        }
        seg.channel.position(start);
        try {
            disk.write(seg.file, seg.channel, bytes);
            disk.forceData(seg.file, seg.channel);
        } catch (IOException e) {
            erase(seg, start, end);
            throw e;
        }
        seg.size = end;
    }

    /** Fills the file with zeros to {@link #PREALLOCATE} beyond {@code end}, and forces it. */
    private void allocate(Segment seg, long end) throws IOException {
        // Small files (in tests) get a small lead, not a mebibyte each.
        long target = end + Math.min(PREALLOCATE, segmentBytes);
        ByteBuffer zeros = ByteBuffer.allocate((int) (target - seg.allocated));
        seg.channel.position(seg.allocated);
        disk.write(seg.file, seg.channel, zeros);
        disk.force(seg.file, seg.channel);
        seg.allocated = target;
    }

    /** Zeroes {@code [start, end)} of a failed write; if even that fails, cuts the file there. */
    private void erase(Segment seg, long start, long end) {
        try {
            seg.channel.position(start);
            ByteBuffer zeros = ByteBuffer.allocate((int) (end - start));
            while (zeros.hasRemaining()) {
                seg.channel.write(zeros);
            }
        } catch (IOException e) {
            try {
                seg.channel.truncate(start);
                seg.allocated = start;
            } catch (IOException again) {
                log.warn("Cannot remove a partly written record from {}: {}", seg.file, again.getMessage());
            }
        }
    }

    /** The index of the last byte that is not zero at or after {@code from}; {@code from - 1} if none. */
    static int lastNonZero(ByteBuffer all, int from) {
        int i = all.limit() - 1;
        while (i >= from && all.get(i) == 0) {
            i--;
        }
        return i;
    }

    static ByteBuffer readAll(FileChannel ch, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 64) {
            throw new IOException("journal file of " + size + " bytes is too large");
        }
        ByteBuffer all = ByteBuffer.allocate((int) size);
        while (all.hasRemaining()) {
            if (ch.read(all, all.position()) < 0) {
                break;
            }
        }
        all.flip();
        return all;
    }

    void closeFiles() {
        retireLock.writeLock().lock();
        try {
            for (Segment s : segments) {
                try {
                    s.retired = true;
                    s.channel.close();
                } catch (IOException e) {
                    log.warn("Cannot close {}: {}", s.file, e.getMessage());
                }
            }
        } finally {
            retireLock.writeLock().unlock();
        }
    }
}
