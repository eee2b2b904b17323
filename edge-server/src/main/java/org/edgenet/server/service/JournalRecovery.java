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
        Map<String, ReadIds> read = new HashMap<>();
        long maxId = 0;
        for (Map.Entry<Long, Path> f : paths.entrySet()) {
            Recovered r = recoverSegment(f.getKey(), f.getValue(), byId, read);
            if (r != null) {
                maxId = Math.max(maxId, r.promisedMaxId());
                files.segments.addLast(r.segment());
            }
        }
        for (ReadIds ids : read.values()) {
            maxId = Math.max(maxId, ids.seal());
        }
        Map<String, List<Entry>> waiting = new HashMap<>();
        for (Map.Entry<Long, Found> e : byId.entrySet()) {
            maxId = Math.max(maxId, e.getKey());
            Found found = e.getValue();
            ReadIds ids = read.get(found.recipient());
            if (ids != null && ids.contains(found.entry().id)) {
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
     * Reads one file into {@code byId} and {@code read}, cutting off a damaged tail; null when the
     * file held nothing usable and was deleted.
     */
    private Recovered recoverSegment(long seq, Path file, Map<Long, Found> byId, Map<String, ReadIds> read)
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
                } else if (r.type() == JournalRecord.REMOVAL || r.type() == JournalRecord.RANGE) {
                    read.computeIfAbsent(r.recipient(), k -> new ReadIds()).add(r.firstId(), r.id());
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

    /** The ids of one recipient's messages that were read: stretches, merged once all are in. */
    private static final class ReadIds {
        private final List<long[]> ranges = new ArrayList<>();

        void add(long first, long last) {
            ranges.add(new long[]{first, last});
        }

        /** Sorts and merges the stretches; returns the highest id read. */
        long seal() {
            ranges.sort(Comparator.comparingLong(r -> r[0]));
            List<long[]> merged = new ArrayList<>(ranges.size());
            for (long[] r : ranges) {
                long[] prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (prev != null && r[0] <= prev[1] + 1) {
                    prev[1] = Math.max(prev[1], r[1]);
                } else {
                    merged.add(r.clone());
                }
            }
            ranges.clear();
            ranges.addAll(merged);
            return merged.isEmpty() ? 0 : merged.get(merged.size() - 1)[1];
        }

        /** After {@link #seal}: a binary search for the stretch that would hold {@code id}. */
        boolean contains(long id) {
            int lo = 0;
            int hi = ranges.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long[] r = ranges.get(mid);
                if (id < r[0]) {
                    hi = mid - 1;
                } else if (id > r[1]) {
                    lo = mid + 1;
                } else {
                    return true;
                }
            }
            return false;
        }
    }
}
