package org.edgenet.server.service;

import org.edgenet.server.service.JournalFiles.Segment;
import org.edgenet.server.service.JournalIndex.Entry;
import org.edgenet.server.service.JournalIndex.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Compaction of {@link JournalMessageStore}, run on the writer between groups: see the store's
 * class comment for why only the oldest file is ever deleted.
 */
final class JournalCompactor {
    // The store's logger, so operators keep finding the journal's lines under one name.
    private static final Logger log = LoggerFactory.getLogger(JournalMessageStore.class);

    /** Its lock guards the index and the live counts of the files. */
    private final JournalMessageStore store;
    private final JournalFiles files;
    private final Disk disk;
    /** Writer thread only: a compaction failure has been logged and none has worked since. */
    private boolean compactionWarned;

    JournalCompactor(JournalMessageStore store, JournalFiles files, Disk disk) {
        this.store = store;
        this.files = files;
        this.disk = disk;
    }

    /**
     * Deletes the oldest file if nothing in it waits, or, when read messages take more room than
     * waiting ones, copies what waits in the oldest file to the newest and deletes the oldest.
     * True when there is more to do.
     */
    boolean compactStep() {
        if (files.segments.size() < 2) {
            return false;
        }
        Segment oldest = files.segments.peekFirst();
        if (oldest.undeletable) {
            return false;
        }
        long total = 0;
        for (Segment s : files.segments) {
            total += s.size;
        }
        long live = 0;
        int oldestLive;
        synchronized (store) {
            for (Segment s : files.segments) {
                live += s.liveBytes;
            }
            oldestLive = oldest.liveCount;
        }
        long dead = total - live;
        if (oldestLive > 0) {
            if (dead <= live || dead <= files.segmentBytes / 2) {
                return false;
            }
            if (!copyForward(oldest)) {
                return false;
            }
        }
        return retire(oldest) && files.segments.size() > 1;
    }

    /** Says once, until compaction works again, why it does not. */
    private void compactionFailed(String what) {
        if (!compactionWarned) {
            compactionWarned = true;
            log.warn("Cannot compact the message journal: {}; trying again with the next messages", what);
        }
    }

    /** Copies the waiting messages of {@code old} to the newest file; true once all are there. */
    private boolean copyForward(Segment old) {
        ByteBuffer all;
        try {
            all = JournalFiles.readAll(old.channel, old.size);
        } catch (IOException e) {
            compactionFailed(JournalMessageStore.reason(e));
            return false;
        }
        List<Entry> moving = new ArrayList<>();
        List<ByteBuffer> records = new ArrayList<>();
        all.position(JournalRecord.HEADER_LENGTH);
        while (all.hasRemaining()) {
            int at = all.position();
            JournalRecord.Parsed r;
            try {
                r = JournalRecord.read(all);
            } catch (JournalRecord.Damaged e) {
                // Written and read back by this process: only a failing disk gets here.
                compactionFailed(old.file + " has " + e.getMessage() + " at offset " + at);
                return false;
            }
            if (r.type() != JournalRecord.MESSAGE) {
                continue;
            }
            synchronized (store) {
                Mailbox box = store.mailboxes.get(r.recipient());
                Entry e = box == null ? null : box.find(r.id());
                if (e != null && e.segment == old && e.offset == at) {
                    moving.add(e);
                    records.add(all.slice(at, r.length()));
                }
            }
        }
        if (moving.isEmpty()) {
            return true;
        }
        Segment to = files.segments.peekLast();
        int size = records.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer bytes = ByteBuffer.allocate(size);
        // Duplicates: putting a buffer moves its position, and the lengths are needed below.
        records.forEach(r -> bytes.put(r.duplicate()));
        bytes.flip();
        long start = to.size;
        try {
            files.append(to, bytes);
        } catch (IOException e) {
            compactionFailed(JournalMessageStore.reason(e));
            return false;
        }
        compactionWarned = false;
        synchronized (store) {
            long offset = start;
            for (int i = 0; i < moving.size(); i++) {
                Entry e = moving.get(i);
                if (!e.removed && e.segment == old) {
                    old.liveBytes -= e.length;
                    old.liveCount--;
                    e.segment = to;
                    e.offset = offset;
                    to.liveBytes += e.length;
                    to.liveCount++;
                }
                offset += records.get(i).remaining();
            }
        }
        return true;
    }

    /**
     * Closes and deletes the oldest file; true when it is gone. A file that cannot be deleted stays
     * first in line and stops compaction: deleting a newer one could take the REMOVAL records that
     * keep the read messages in it from coming back after a restart.
     */
    private boolean retire(Segment old) {
        files.retireLock.writeLock().lock();
        try {
            old.retired = true;
            old.channel.close();
        } catch (IOException e) {
            log.debug("Closing {}: {}", old.file, e.toString());
        } finally {
            files.retireLock.writeLock().unlock();
        }
        try {
            disk.delete(old.file);
        } catch (IOException e) {
            old.undeletable = true;
            log.warn("Cannot delete {} after compacting it: {}; the journal is not compacted further until "
                    + "the server restarts", old.file, JournalMessageStore.reason(e));
            return false;
        }
        files.segments.remove(old);
        return true;
    }
}
