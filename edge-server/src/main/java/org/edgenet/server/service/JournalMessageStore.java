package org.edgenet.server.service;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link MessageStore} in an append-only journal: files {@code journal-<16 digits>.log} in one
 * directory, of which only the newest is written. Records are laid out in {@link JournalRecord}.
 *
 * <p><b>Writing.</b> One writer thread owns the journal. A message is queued with its id and
 * counted against the limits at once; the writer takes every record queued at that moment, writes
 * them in one go and forces the file once (group commit), and only then makes the messages
 * readable and completes their futures, in id order. A group that fails is cut off the file again.
 *
 * <p><b>Reading</b> runs on reader threads and touches no file the writer changes: the text of a
 * message is read back from the journal at the place the index in memory gives for it. The index
 * holds, per recipient, the ids and places of the messages waiting, oldest first; it costs some
 * 60 bytes a message, which is why every message counts {@link #INDEX_COST} bytes more than its
 * record against the total limit.
 *
 * <p><b>Removing</b> a recipient's messages up to an id writes one small REMOVAL record. Because a
 * reader always takes the oldest messages, the messages removed are exactly those with smaller ids.
 *
 * <p><b>Compaction</b> runs on the writer between groups: a file is deleted once none of its
 * messages waits any more, and when the journal holds more bytes of read messages than of waiting
 * ones, the messages still waiting in the oldest file are copied to the newest and the oldest file
 * deleted. Only the oldest file is ever deleted, so a REMOVAL record never disappears while a file
 * older than it, holding the messages it removed, is still there.
 *
 * <p>Files are filled with zeros ahead of their records ({@link #PREALLOCATE}), so a group commit
 * overwrites zeros and only its data needs forcing ({@link Disk#forceData}).
 *
 * <p><b>Recovery</b> reads every file in order; the records end where only zeros follow. A record
 * that ends early or whose checksum does not match (the tail of a write a crash cut off) is zeroed
 * with a warning, together with whatever follows it; the store always opens. A message found twice
 * (copied by a compaction that a crash interrupted) counts once.
 */
public final class JournalMessageStore implements MessageStore {
    private static final Logger log = LoggerFactory.getLogger(JournalMessageStore.class);

    /** Journal files are started afresh at this size; a compaction step copies at most one. */
    public static final int DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
    /** How long closing waits for the writer, and then for the readers, to finish what is queued. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /**
     * How far ahead of the records a file is filled with zeros: appends inside the zeros change no
     * metadata, so forcing the data alone makes them durable, several times faster than a force
     * that must also commit the file's new length.
     */
    static final int PREALLOCATE = 1024 * 1024;
    /** Most bytes one group commit writes; what is queued beyond waits for the next, right after. */
    static final int MAX_GROUP_BYTES = 4 * 1024 * 1024;
    /** What a message costs against the total limit on top of its record: its place in the index. */
    public static final int INDEX_COST = 256;

    private static final Pattern SEGMENT_NAME = Pattern.compile("journal-(\\d{16})\\.log");

    private final Path dir;
    private final Disk disk;
    private final Clock clock;
    private final int perRecipient;
    private final long totalLimit;
    private final int segmentBytes;
    private final SerialExecutor writer;
    private final Executor reader;
    /** The reader threads when this store made them; stopped on close. */
    private final List<ExecutorService> owned;
    /** Readers hold it shared while they read a file; the writer holds it alone to close one. */
    private final ReentrantReadWriteLock retireLock = new ReentrantReadWriteLock();

    // Guarded by this.
    private final Map<String, Mailbox> mailboxes = new HashMap<>();
    private final Map<String, List<Consumer<String>>> subscribers = new HashMap<>();
    private long nextId;
    /** Bytes counted against {@link #totalLimit}: waiting and queued messages. */
    private long charged;
    private List<Op> queued = new ArrayList<>();
    private boolean turnQueued;
    private boolean closed;
    /** Writer thread only: a compaction failure has been logged and none has worked since. */
    private boolean compactionWarned;

    // Writer thread only, once open returns.
    /** Oldest first; the last one is written. */
    private final ArrayDeque<Segment> segments;

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
        /** Compacted but still on the disk: nothing newer may be deleted before it (see class comment). */
        boolean undeletable;

        Segment(long seq, Path file, FileChannel channel, long size, long allocated) {
            this.seq = seq;
            this.file = file;
            this.channel = channel;
            this.size = size;
            this.allocated = allocated;
        }
    }

    /** One waiting message in the index. Place fields are guarded by the store. */
    static final class Entry {
        final long id;
        final int length;
        Segment segment;
        long offset;
        boolean removed;

        Entry(long id, int length) {
            this.id = id;
            this.length = length;
        }

        long charge() {
            return length + (long) INDEX_COST;
        }
    }

    /** The messages of one recipient, oldest (smallest id) first, and those still being written. */
    static final class Mailbox {
        private Entry[] ring = new Entry[4];
        private int head;
        private int size;
        int pending;

        int size() {
            return size;
        }

        Entry get(int i) {
            return ring[(head + i) & (ring.length - 1)];
        }

        void addLast(Entry e) {
            if (size == ring.length) {
                Entry[] bigger = new Entry[ring.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = get(i);
                }
                ring = bigger;
                head = 0;
            }
            ring[(head + size) & (ring.length - 1)] = e;
            size++;
        }

        Entry removeFirst() {
            Entry e = ring[head];
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            size--;
            return e;
        }

        /** Binary search: the ring is sorted by id. */
        Entry find(long id) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long at = get(mid).id;
                if (at < id) {
                    lo = mid + 1;
                } else if (at > id) {
                    hi = mid - 1;
                } else {
                    return get(mid);
                }
            }
            return null;
        }

        boolean unused() {
            return size == 0 && pending == 0;
        }
    }

    private sealed interface Op permits Append, Removal {
        byte[] record();
    }

    private record Append(Entry entry, String recipient, String sender, byte[] record,
                          CompletableFuture<Long> done) implements Op {
    }

    private record Removal(byte[] record, int waiting, CompletableFuture<Integer> done) implements Op {
    }

    /** Where a read will find a message: taken under the store's lock, read outside it. */
    private record Place(long id, Segment segment, long offset, int length) {
    }

    private JournalMessageStore(Path dir, Disk disk, Clock clock, int perRecipient, long totalLimit, int segmentBytes,
                                SerialExecutor writer, Executor reader, List<ExecutorService> owned) {
        if (perRecipient < 1) {
            throw new IllegalArgumentException("perRecipient must be positive: " + perRecipient);
        }
        if (totalLimit < 1) {
            throw new IllegalArgumentException("totalLimit must be positive: " + totalLimit);
        }
        if (segmentBytes < JournalRecord.HEADER_LENGTH) {
            throw new IllegalArgumentException("segmentBytes too small: " + segmentBytes);
        }
        this.dir = dir;
        this.disk = disk;
        this.clock = clock;
        this.perRecipient = perRecipient;
        this.totalLimit = totalLimit;
        this.segmentBytes = segmentBytes;
        this.writer = writer;
        this.reader = reader;
        this.owned = owned;
        this.segments = new ArrayDeque<>();
    }

    /**
     * Opens (creating if needed) the journal in {@code dir} with a writer thread and two reader
     * threads of its own, and recovers what it holds.
     *
     * @param perRecipient most messages waiting for one recipient
     * @param totalLimit   most bytes all waiting messages may take, each counted as its record
     *                     plus {@link #INDEX_COST}
     * @param clock        stamps each message; its zone is the one readers see the stamps in
     */
    public static JournalMessageStore open(Path dir, int perRecipient, long totalLimit, Disk disk, Clock clock)
            throws IOException {
        SerialExecutor w = SerialExecutor.thread("message-writer");
        ExecutorService r = Executors.newFixedThreadPool(2, new DefaultThreadFactory("message-reader", true));
        try {
            return open(dir, perRecipient, totalLimit, disk, clock, DEFAULT_SEGMENT_BYTES, w, r, List.of(r));
        } catch (IOException | RuntimeException e) {
            w.shutdown();
            r.shutdown();
            throw e;
        }
    }

    /**
     * As {@link #open(Path, int, long, Disk, Clock)} with files of {@code segmentBytes}, writing on
     * {@code writer} (which must run one task at a time) and reading on {@code reader}; tests pass
     * direct executors or queues they run by hand.
     */
    public static JournalMessageStore open(Path dir, int perRecipient, long totalLimit, Disk disk, Clock clock,
                                           int segmentBytes, Executor writer, Executor reader) throws IOException {
        return open(dir, perRecipient, totalLimit, disk, clock, segmentBytes, SerialExecutor.on(writer), reader,
                List.of());
    }

    private static JournalMessageStore open(Path dir, int perRecipient, long totalLimit, Disk disk, Clock clock,
                                            int segmentBytes, SerialExecutor writer, Executor reader,
                                            List<ExecutorService> owned) throws IOException {
        JournalMessageStore store = new JournalMessageStore(dir, disk, clock, perRecipient, totalLimit, segmentBytes,
                writer, reader, owned);
        try {
            store.recover();
        } catch (IOException | RuntimeException e) {
            store.closeFiles();
            throw e;
        }
        return store;
    }

    // Posting

    @Override
    public CompletableFuture<Long> post(String sender, String recipient, String text) {
        byte[] r = recipient.getBytes(StandardCharsets.UTF_8);
        byte[] s = sender.getBytes(StandardCharsets.UTF_8);
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        if (!fits(r, MAX_NAME_BYTES) || !fits(s, MAX_NAME_BYTES) || !fits(t, MAX_TEXT_BYTES)) {
            return CompletableFuture.failedFuture(new ProtocolException(ErrorCode.BAD_ARGUMENT,
                    "names must have 1 to 255 bytes and the text 1 to 65535"));
        }
        long storedAt = clock.millis();
        CompletableFuture<Long> done = new CompletableFuture<>();
        int length = JournalRecord.messageLength(r.length, s.length, t.length);
        boolean schedule;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the message store is closed"));
            }
            Mailbox box = mailboxes.get(recipient);
            if (box != null && box.size() + box.pending >= perRecipient) {
                return CompletableFuture.failedFuture(new ProtocolException(ErrorCode.MAILBOX_FULL,
                        "the mailbox of " + recipient + " is full"));
            }
            Entry entry = new Entry(nextId, length);
            if (charged + entry.charge() > totalLimit) {
                return CompletableFuture.failedFuture(new ProtocolException(ErrorCode.MAILBOX_FULL,
                        "the message store is full"));
            }
            if (box == null) {
                box = new Mailbox();
                mailboxes.put(recipient, box);
            }
            nextId++;
            charged += entry.charge();
            box.pending++;
            queued.add(new Append(entry, recipient, sender, JournalRecord.message(entry.id, storedAt, r, s, t), done));
            schedule = !turnQueued;
            turnQueued = true;
        }
        if (schedule) {
            scheduleTurn();
        }
        return done;
    }

    private static boolean fits(byte[] b, int max) {
        return b.length >= 1 && b.length <= max;
    }

    private void scheduleTurn() {
        try {
            writer.execute(this::turn);
        } catch (RejectedExecutionException e) {
            List<Op> group;
            synchronized (this) {
                turnQueued = false;
                group = takeQueued();
            }
            failGroup(group, new IllegalStateException("the message store is closed", e));
        }
    }

    /** Runs on the writer: commits what is queued, then does one step of compaction. */
    private void turn() {
        List<Op> group;
        boolean more;
        synchronized (this) {
            turnQueued = false;
            group = takeGroup();
            more = !queued.isEmpty();
        }
        if (!group.isEmpty()) {
            commit(group);
        }
        // What did not fit the group goes next, also after close: its futures must complete.
        boolean compact = compactStep();
        if (more || compact) {
            boolean schedule;
            synchronized (this) {
                schedule = !turnQueued && (more || !closed);
                turnQueued |= schedule;
            }
            if (schedule) {
                scheduleTurn();
            }
        }
    }

    /**
     * The oldest queued records up to {@link #MAX_GROUP_BYTES} (at least one): the group is copied
     * into one buffer, which must stay small however many connections wait.
     */
    private List<Op> takeGroup() {
        int n = 0;
        long bytes = 0;
        while (n < queued.size() && (n == 0 || bytes + queued.get(n).record().length <= MAX_GROUP_BYTES)) {
            bytes += queued.get(n).record().length;
            n++;
        }
        if (n == queued.size()) {
            return takeQueued();
        }
        List<Op> group = new ArrayList<>(queued.subList(0, n));
        queued = new ArrayList<>(queued.subList(n, queued.size()));
        return group;
    }

    private List<Op> takeQueued() {
        List<Op> group = queued;
        queued = new ArrayList<>();
        return group;
    }

    private void commit(List<Op> group) {
        int size = 0;
        for (Op op : group) {
            size += op.record().length;
        }
        Segment seg;
        try {
            seg = segmentFor(size);
        } catch (IOException e) {
            failGroup(group, e);
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate(size);
        for (Op op : group) {
            bytes.put(op.record());
        }
        bytes.flip();
        long start = seg.size;
        try {
            append(seg, bytes);
        } catch (IOException e) {
            failGroup(group, e);
            return;
        }
        List<Runnable> notices = new ArrayList<>();
        synchronized (this) {
            long offset = start;
            for (Op op : group) {
                if (op instanceof Append a) {
                    Entry e = a.entry();
                    e.segment = seg;
                    e.offset = offset;
                    seg.liveBytes += e.length;
                    seg.liveCount++;
                    Mailbox box = mailboxes.get(a.recipient());
                    box.pending--;
                    box.addLast(e);
                    List<Consumer<String>> subs = subscribers.get(a.recipient());
                    if (subs != null) {
                        for (Consumer<String> c : subs) {
                            notices.add(() -> c.accept(a.sender()));
                        }
                    }
                }
                offset += op.record().length;
            }
        }
        for (Op op : group) {
            if (op instanceof Append a) {
                a.done().complete(a.entry().id);
            } else if (op instanceof Removal r) {
                r.done().complete(r.waiting());
            }
        }
        for (Runnable n : notices) {
            try {
                n.run();
            } catch (RuntimeException e) {
                log.error("A message notice failed", e);
            }
        }
    }

    /** Gives back what the failed appends reserved; removals stay done in memory. */
    private void failGroup(List<Op> group, Exception e) {
        Throwable cause = OutOfSpace.causedBy(e) ? OutOfSpace.error() : e;
        int removals = 0;
        synchronized (this) {
            for (Op op : group) {
                if (op instanceof Append a) {
                    charged -= a.entry().charge();
                    Mailbox box = mailboxes.get(a.recipient());
                    box.pending--;
                    if (box.unused()) {
                        mailboxes.remove(a.recipient());
                    }
                } else {
                    removals++;
                }
            }
        }
        if (removals > 0) {
            log.warn("Could not record in the message journal that messages were read ({}); "
                    + "they may be shown again after a restart", reason(e));
        }
        for (Op op : group) {
            if (op instanceof Append a) {
                a.done().completeExceptionally(cause);
            } else if (op instanceof Removal r) {
                r.done().complete(r.waiting());
            }
        }
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The file the next {@code bytes} go to: a new one once the current one is full. */
    private Segment segmentFor(int bytes) throws IOException {
        Segment current = segments.peekLast();
        if (current != null && (current.size == JournalRecord.HEADER_LENGTH
                || current.size + bytes <= segmentBytes)) {
            return current;
        }
        return startSegment(current == null ? 1 : current.seq + 1);
    }

    private Segment startSegment(long seq) throws IOException {
        Path file = dir.resolve(String.format(Locale.ROOT, "journal-%016d.log", seq));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment seg = new Segment(seq, file, ch, JournalRecord.HEADER_LENGTH, 0);
        try {
            long next;
            synchronized (this) {
                next = nextId;
            }
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
    private void append(Segment seg, ByteBuffer bytes) throws IOException {
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

    // Reading and removing

    @Override
    public CompletableFuture<Batch> read(String recipient, int max, int maxBytes) {
        if (max < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("max must be positive: " + max));
        }
        try {
            return CompletableFuture.supplyAsync(() -> readNow(recipient, Math.min(max, MAX_READ), maxBytes), reader);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the message store is closed", e));
        }
    }

    private Batch readNow(String recipient, int max, int maxBytes) {
        while (true) {
            List<Place> places = new ArrayList<>();
            int waiting;
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the message store is closed");
                }
                Mailbox box = mailboxes.get(recipient);
                waiting = box == null ? 0 : box.size();
                long bytes = 0;
                for (int i = 0; i < waiting && places.size() < max; i++) {
                    Entry e = box.get(i);
                    if (!places.isEmpty() && bytes + e.length > maxBytes) {
                        break;
                    }
                    bytes += e.length;
                    places.add(new Place(e.id, e.segment, e.offset, e.length));
                }
            }
            retireLock.readLock().lock();
            try {
                if (places.stream().anyMatch(p -> p.segment().retired)) {
                    // Compaction moved some of them in between: look them up again.
                    continue;
                }
                List<Stored> messages = new ArrayList<>(places.size());
                for (Place p : places) {
                    messages.add(readMessage(p));
                }
                return new Batch(messages, waiting);
            } finally {
                retireLock.readLock().unlock();
            }
        }
    }

    private Stored readMessage(Place p) {
        ByteBuffer buf = ByteBuffer.allocate(p.length());
        try {
            while (buf.hasRemaining()) {
                if (p.segment().channel.read(buf, p.offset() + buf.position()) < 0) {
                    break;
                }
            }
            buf.flip();
            JournalRecord.Parsed r = JournalRecord.read(buf);
            if (r.type() != JournalRecord.MESSAGE || r.id() != p.id()) {
                throw new JournalRecord.Damaged("another record than message " + p.id());
            }
            return new Stored(r.id(), r.sender(), Instant.ofEpochMilli(r.storedAt()).atZone(clock.getZone()), r.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JournalRecord.Damaged e) {
            throw new IllegalStateException("message " + p.id() + " in " + p.segment().file + " is damaged: "
                    + e.getMessage());
        }
    }

    @Override
    public CompletableFuture<Integer> remove(String recipient, long upToId) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        boolean schedule;
        synchronized (this) {
            Mailbox box = mailboxes.get(recipient);
            if (box == null) {
                return CompletableFuture.completedFuture(0);
            }
            long last = -1;
            while (box.size() > 0 && box.get(0).id <= upToId) {
                Entry e = box.removeFirst();
                e.removed = true;
                e.segment.liveBytes -= e.length;
                e.segment.liveCount--;
                charged -= e.charge();
                last = e.id;
            }
            int waiting = box.size();
            if (box.unused()) {
                mailboxes.remove(recipient);
            }
            if (last < 0) {
                return CompletableFuture.completedFuture(waiting);
            }
            if (closed) {
                // Removed in memory; shown again after a restart, which the reader's ids reveal.
                return CompletableFuture.completedFuture(waiting);
            }
            // The removal names the newest message taken, never more: one queued but not yet
            // readable has a larger id and must survive a restart.
            queued.add(new Removal(JournalRecord.removal(last, recipient.getBytes(StandardCharsets.UTF_8)),
                    waiting, done));
            schedule = !turnQueued;
            turnQueued = true;
        }
        if (schedule) {
            scheduleTurn();
        }
        return done;
    }

    @Override
    public synchronized int waiting(String recipient) {
        Mailbox box = mailboxes.get(recipient);
        return box == null ? 0 : box.size();
    }

    @Override
    public synchronized Subscription subscribe(String recipient, Consumer<String> onArrival) {
        subscribers.computeIfAbsent(recipient, k -> new ArrayList<>(1)).add(onArrival);
        return () -> {
            synchronized (JournalMessageStore.this) {
                List<Consumer<String>> subs = subscribers.get(recipient);
                if (subs != null && subs.remove(onArrival) && subs.isEmpty()) {
                    subscribers.remove(recipient);
                }
            }
        };
    }

    /** Bytes counted against the total limit now; for tests. */
    synchronized long charged() {
        return charged;
    }

    /** The journal files, oldest first; for tests. Call only while the writer is idle. */
    List<Path> files() {
        return segments.stream().map(s -> s.file).toList();
    }

    // Compaction

    /**
     * Deletes the oldest file if nothing in it waits, or, when read messages take more room than
     * waiting ones, copies what waits in the oldest file to the newest and deletes the oldest.
     * True when there is more to do.
     */
    private boolean compactStep() {
        if (segments.size() < 2) {
            return false;
        }
        Segment oldest = segments.peekFirst();
        if (oldest.undeletable) {
            return false;
        }
        long total = 0;
        for (Segment s : segments) {
            total += s.size;
        }
        long live = 0;
        int oldestLive;
        synchronized (this) {
            for (Segment s : segments) {
                live += s.liveBytes;
            }
            oldestLive = oldest.liveCount;
        }
        long dead = total - live;
        if (oldestLive > 0) {
            if (dead <= live || dead <= segmentBytes / 2) {
                return false;
            }
            if (!copyForward(oldest)) {
                return false;
            }
        }
        return retire(oldest) && segments.size() > 1;
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
            all = readAll(old.channel, old.size);
        } catch (IOException e) {
            compactionFailed(reason(e));
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
            synchronized (this) {
                Mailbox box = mailboxes.get(r.recipient());
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
        Segment to = segments.peekLast();
        int size = records.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer bytes = ByteBuffer.allocate(size);
        // Duplicates: putting a buffer moves its position, and the lengths are needed below.
        records.forEach(r -> bytes.put(r.duplicate()));
        bytes.flip();
        long start = to.size;
        try {
            append(to, bytes);
        } catch (IOException e) {
            compactionFailed(reason(e));
            return false;
        }
        compactionWarned = false;
        synchronized (this) {
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
        retireLock.writeLock().lock();
        try {
            old.retired = true;
            old.channel.close();
        } catch (IOException e) {
            log.debug("Closing {}: {}", old.file, e.toString());
        } finally {
            retireLock.writeLock().unlock();
        }
        try {
            disk.delete(old.file);
        } catch (IOException e) {
            old.undeletable = true;
            log.warn("Cannot delete {} after compacting it: {}; the journal is not compacted further until "
                    + "the server restarts", old.file, reason(e));
            return false;
        }
        segments.remove(old);
        return true;
    }

    /** The index of the last byte that is not zero at or after {@code from}; {@code from - 1} if none. */
    private static int lastNonZero(ByteBuffer all, int from) {
        int i = all.limit() - 1;
        while (i >= from && all.get(i) == 0) {
            i--;
        }
        return i;
    }

    private static ByteBuffer readAll(FileChannel ch, long size) throws IOException {
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

    // Recovery

    /** One message as recovery finds it, before removals are applied. */
    private record Found(String recipient, Entry entry) {
    }

    /** A file as recovery found it, and the highest id its header or its records had handed out. */
    private record Recovered(Segment segment, long promisedMaxId) {
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "journal-*.log")) {
            for (Path p : ds) {
                Matcher m = SEGMENT_NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    files.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        Map<Long, Found> byId = new HashMap<>();
        Map<String, Long> removedUpTo = new HashMap<>();
        long maxId = 0;
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            Recovered r = recoverSegment(f.getKey(), f.getValue(), byId, removedUpTo);
            if (r != null) {
                maxId = Math.max(maxId, r.promisedMaxId());
                segments.addLast(r.segment());
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
        synchronized (this) {
            nextId = maxId + 1;
            for (Map.Entry<String, List<Entry>> w : waiting.entrySet()) {
                List<Entry> list = w.getValue();
                list.sort(Comparator.comparingLong(x -> x.id));
                Mailbox box = new Mailbox();
                for (Entry e : list) {
                    box.addLast(e);
                    e.segment.liveBytes += e.length;
                    e.segment.liveCount++;
                    charged += e.charge();
                }
                mailboxes.put(w.getKey(), box);
                messages += list.size();
            }
        }
        Segment last = segments.peekLast();
        if (last == null || last.size >= segmentBytes) {
            startSegment(last == null ? 1 : last.seq + 1);
        }
        if (messages > 0) {
            log.info("Message journal {}: {} messages waiting for {} recipients", dir, messages, waiting.size());
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
            ByteBuffer all = readAll(ch, ch.size());
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
            int used = lastNonZero(all, all.position()) + 1;
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

    // Closing

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writer.shutdown();
        for (ExecutorService e : owned) {
            e.shutdown();
        }
        if (!writer.close(CLOSE_WAIT)) {
            log.warn("The message journal did not finish writing in time");
        }
        for (ExecutorService e : owned) {
            try {
                if (!e.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    log.warn("The message journal did not finish reading in time");
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        closeFiles();
    }

    private void closeFiles() {
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

    @Override
    public String toString() {
        return "message journal " + dir;
    }
}
