package org.edgenet.server.service;

import org.edgenet.server.service.JournalFiles.Segment;
import org.edgenet.server.service.JournalIndex.Entry;
import org.edgenet.server.service.JournalIndex.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Recovery of {@link JournalMessageStore} when it opens: reads every file in order, zeroes a torn
 * tail with a warning, and fills the store's index with the messages still waiting.
 */
final class JournalRecovery {
    // The store's logger, so operators keep finding the journal's lines under one name.
    private static final Logger log = LoggerFactory.getLogger(JournalMessageStore.class);

    private final JournalMessageStore store;
    private final JournalFiles files;
    private final Disk disk;

    JournalRecovery(JournalMessageStore store, JournalFiles files, Disk disk) {
        this.store = store;
        this.files = files;
        this.disk = disk;
    }

    /** One message as recovery finds it, before removals are applied. */
    private record Found(String recipient, Entry entry) {
    }

    /** A file as recovery found it, and the highest id its header or its records had handed out. */
    private record Recovered(Segment segment, long promisedMaxId) {
    }

    void recover() throws IOException {
        Files.createDirectories(files.dir);
        TreeMap<Long, Path> paths = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(files.dir, "journal-*.log")) {
            for (Path p : ds) {
                Matcher m = JournalFiles.SEGMENT_NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    paths.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        Map<Long, Found> byId = new HashMap<>();
        Map<String, Long> removedUpTo = new HashMap<>();
        long maxId = 0;
        for (Map.Entry<Long, Path> f : paths.entrySet()) {
            Recovered r = recoverSegment(f.getKey(), f.getValue(), byId, removedUpTo);
            if (r != null) {
                maxId = Math.max(maxId, r.promisedMaxId());
                files.segments.addLast(r.segment());
            }
        }
        for (Long upTo : removedUpTo.values()) {
            maxId = Math.max(maxId, upTo);
        }
        Map<String, List<Entry>> waiting = new HashMap<>();
        for (Map.Entry<Long, Found> e : byId.entrySet()) {
            maxId = Math.max(maxId, e.getKey());
            Found found = e.getValue();
            if (found.entry().id <= removedUpTo.getOrDefault(found.recipient(), 0L)) {
                continue;
            }
            waiting.computeIfAbsent(found.recipient(), k -> new ArrayList<>()).add(found.entry());
        }
        long messages = 0;
        synchronized (store) {
            store.nextId = maxId + 1;
            for (Map.Entry<String, List<Entry>> w : waiting.entrySet()) {
                List<Entry> list = w.getValue();
                list.sort(Comparator.comparingLong(x -> x.id));
                Mailbox box = new Mailbox();
                for (Entry e : list) {
                    box.addLast(e);
                    e.segment.liveBytes += e.length;
                    e.segment.liveCount++;
                    store.charged += e.charge();
                }
                store.mailboxes.put(w.getKey(), box);
                messages += list.size();
            }
        }
        Segment last = files.segments.peekLast();
        if (last == null || last.size >= files.segmentBytes) {
            files.startSegment(last == null ? 1 : last.seq + 1);
        }
        if (messages > 0) {
            log.info("Message journal {}: {} messages waiting for {} recipients", files.dir, messages,
                    waiting.size());
        }
    }

    /**
     * Reads one file into {@code byId} and {@code removedUpTo}, cutting off a damaged tail; null
     * when the file held nothing usable and was deleted.
     */
    private Recovered recoverSegment(long seq, Path file, Map<Long, Found> byId, Map<String, Long> removedUpTo)
            throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        boolean keep = false;
        try {
            ByteBuffer all = JournalFiles.readAll(ch, ch.size());
            Segment seg = new Segment(seq, file, ch, all.limit(), all.limit());
            long promised = 0;
            try {
                JournalRecord.Parsed header = JournalRecord.read(all);
                if (header.type() != JournalRecord.HEADER) {
                    throw new JournalRecord.Damaged("no header");
                }
                promised = header.id() - 1;
            } catch (JournalRecord.Damaged e) {
                log.warn("Deleted {}: it does not start with a journal header ({}), so a crash cut off its creation",
                        file, e.getMessage());
                ch.close();
                disk.delete(file);
                return null;
            }
            // Past the last byte that is not zero lie only the zeros written ahead of the records.
            int used = JournalFiles.lastNonZero(all, all.position()) + 1;
            while (true) {
                int at = all.position();
                if (at >= used) {
                    seg.size = at;
                    break;
                }
                JournalRecord.Parsed r;
                try {
                    r = JournalRecord.read(all);
                } catch (JournalRecord.Damaged e) {
                    log.warn("Cut off the last {} bytes of {} from offset {}: {}, the end of a write that did "
                            + "not complete", used - at, file, at, e.getMessage());
                    // Zeroed in place: the file keeps its length, so appends still change no metadata.
                    ch.position(at);
                    disk.write(file, ch, ByteBuffer.allocate(used - at));
                    disk.force(file, ch);
                    seg.size = at;
                    break;
                }
                if (r.type() == JournalRecord.MESSAGE) {
                    Entry entry = new Entry(r.id(), r.length());
                    entry.segment = seg;
                    entry.offset = at;
                    // A second copy is the newer one, made by a compaction: it wins.
                    byId.put(r.id(), new Found(r.recipient(), entry));
                } else if (r.type() == JournalRecord.REMOVAL) {
                    removedUpTo.merge(r.recipient(), r.id(), Math::max);
                } else {
                    promised = Math.max(promised, r.id() - 1);
                }
            }
            keep = true;
            return new Recovered(seg, promised);
        } finally {
            if (!keep && ch.isOpen()) {
                ch.close();
            }
        }
    }
}
