package org.edgenet.server.service;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.JournalFiles.Segment;
import org.edgenet.server.service.JournalIndex.Entry;
import org.edgenet.server.service.JournalIndex.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
 * <p><b>Readers.</b> A read marks the messages it hands out with its reader, and other readers of
 * the recipient pass over them; closing a reader clears its marks, so what it held is the oldest
 * again for the next read. Removing what a reader holds writes a small RANGE record for every
 * stretch of the mailbox it took out: with two readers, a stretch need not start at the oldest.
 *
 * <p><b>Compaction</b> runs on the writer between groups: a file is deleted once none of its
 * messages waits any more, and when the journal holds more bytes of read messages than of waiting
 * ones, the messages still waiting in the oldest file are copied to the newest and the oldest file
 * deleted. Only the oldest file is ever deleted, so a REMOVAL record never disappears while a file
 * older than it, holding the messages it removed, is still there.
 *
 * <p>Files are filled with zeros ahead of their records ({@link JournalFiles#PREALLOCATE}), so a
 * group commit overwrites zeros and only its data needs forcing ({@link Disk#forceData}).
 *
 * <p><b>Recovery</b> reads every file in order; the records end where only zeros follow. A record
 * that ends early or whose checksum does not match (the tail of a write a crash cut off) is zeroed
 * with a warning, together with whatever follows it; the store always opens. A message found twice
 * (copied by a compaction that a crash interrupted) counts once.
 *
 * <p>This class coordinates: the files are in {@link JournalFiles}, the index in
 * {@link JournalIndex}, compaction in {@link JournalCompactor} and recovery in
 * {@link JournalRecovery}. It stays over 300 lines because posting, the group commit, reading and
 * removing all change the index and the limits under its one lock, and splitting them would
 * spread that lock over several classes.
 */
public final class JournalMessageStore implements MessageStore {
    private static final Logger log = LoggerFactory.getLogger(JournalMessageStore.class);

    /** Journal files are started afresh at this size; a compaction step copies at most one. */
    public static final int DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
    /** How long closing waits for the writer, and then for the readers, to finish what is queued. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** Most bytes one group commit writes; what is queued beyond waits for the next, right after. */
    static final int MAX_GROUP_BYTES = 4 * 1024 * 1024;
    /** What a message costs against the total limit on top of its record: its place in the index. */
    public static final int INDEX_COST = 256;

    private final Clock clock;
    private final int perRecipient;
    private final long totalLimit;
    private final JournalFiles files;
    private final JournalCompactor compactor;
    private final SerialExecutor writer;
    private final Executor reader;
    /** The reader threads when this store made them; stopped on close. */
    private final List<ExecutorService> owned;

    // Guarded by this.
    final Map<String, Mailbox> mailboxes = new HashMap<>();
    private final Map<String, List<Consumer<String>>> subscribers = new HashMap<>();
    long nextId;
    /** Bytes counted against {@link #totalLimit}: waiting and queued messages. */
    long charged;
    private List<Op> queued = new ArrayList<>();
    private boolean turnQueued;
    private boolean closed;
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
        this.clock = clock;
        this.perRecipient = perRecipient;
        this.totalLimit = totalLimit;
        this.files = new JournalFiles(dir, disk, segmentBytes, () -> {
            synchronized (this) {
                return nextId;
            }
        });
        this.compactor = new JournalCompactor(this, files, disk);
        this.writer = writer;
        this.reader = reader;
        this.owned = owned;
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
        // Neither queue needs a bound of its own: a device has one request in flight at a time (the
        // read gate holds its connection meanwhile), 0xAE73 clients at most one each, with at most
        // 1,024 connections and 8 reads at once (MessagePortInitializer, Ae73Handler).
        SerialExecutor w = SerialExecutor.thread("message-writer");
        // Unbounded queue, bounded by its callers as said above.
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
            new JournalRecovery(store, store.files, disk).recover();
        } catch (IOException | RuntimeException e) {
            store.files.closeFiles();
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

    /** Most compaction steps one maintenance run takes, so that posts wait for it a short while only. */
    static final int MAINTENANCE_STEPS = 16;

    /**
     * Maintenance: compacts on the writer, between groups, until nothing is left to do or
     * {@link #MAINTENANCE_STEPS} steps are done; yields how many journal files are gone.
     */
    public CompletableFuture<Integer> compact() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("the message store is closed"));
            }
        }
        try {
            writer.execute(() -> {
                try {
                    int before = files.segments.size();
                    for (int i = 0; i < MAINTENANCE_STEPS && compactor.compactStep(); i++) {
                        // Each step copies at most one file.
                    }
                    done.complete(Math.max(0, before - files.segments.size()));
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the message store is closed", e));
        }
        return done;
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
        boolean compact = compactor.compactStep();
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
            seg = files.segmentFor(size);
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
            files.append(seg, bytes);
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

    static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // Reading and removing

    @Override
    public Reader reader(String recipient) {
        return new MailboxReader(recipient);
    }

    /** One connection's reader; its fields are guarded by the store. */
    private final class MailboxReader implements Reader {
        private final String recipient;
        /** What this reader was handed and has not removed or given back. */
        private final List<Entry> held = new ArrayList<>();
        private boolean closed;

        MailboxReader(String recipient) {
            this.recipient = recipient;
        }

        @Override
        public CompletableFuture<Batch> read(int max, int maxBytes) {
            if (max < 1) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("max must be positive: " + max));
            }
            try {
                return CompletableFuture.supplyAsync(() -> readNow(this, Math.min(max, MAX_READ), maxBytes), reader);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.failedFuture(new IllegalStateException("the message store is closed", e));
            }
        }

        @Override
        public CompletableFuture<Integer> remove(long upToId) {
            return JournalMessageStore.this.remove(this, upToId);
        }

        @Override
        public void close() {
            synchronized (JournalMessageStore.this) {
                closed = true;
                Mailbox box = mailboxes.get(recipient);
                for (Entry e : held) {
                    e.heldBy = null;
                }
                if (box != null) {
                    box.held -= held.size();
                }
                held.clear();
            }
        }

        /** How many messages this reader could be shown now. */
        private int visible(Mailbox box) {
            return box == null ? 0 : box.size() - box.held + held.size();
        }
    }

    private Batch readNow(MailboxReader r, int max, int maxBytes) {
        while (true) {
            List<Place> places = new ArrayList<>();
            int waiting;
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the message store is closed");
                }
                Mailbox box = r.closed ? null : mailboxes.get(r.recipient);
                waiting = r.visible(box);
                long bytes = 0;
                for (int i = 0; box != null && i < box.size() && places.size() < max; i++) {
                    Entry e = box.get(i);
                    if (e.heldBy != null && e.heldBy != r) {
                        continue;
                    }
                    if (!places.isEmpty() && bytes + e.length > maxBytes) {
                        break;
                    }
                    bytes += e.length;
                    places.add(new Place(e.id, e.segment, e.offset, e.length));
                    if (e.heldBy == null) {
                        e.heldBy = r;
                        box.held++;
                        r.held.add(e);
                    }
                }
            }
            files.retireLock.readLock().lock();
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
                files.retireLock.readLock().unlock();
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

    private CompletableFuture<Integer> remove(MailboxReader r, long upToId) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        boolean schedule;
        synchronized (this) {
            Mailbox box = mailboxes.get(r.recipient);
            int count = 0;
            for (Entry e : r.held) {
                count += e.id <= upToId ? 1 : 0;
            }
            if (count == 0) {
                return CompletableFuture.completedFuture(r.visible(box));
            }
            List<long[]> runs = new ArrayList<>();
            List<Entry> removed = box.remove(e -> e.heldBy == r && e.id <= upToId, count, runs);
            for (Entry e : removed) {
                e.removed = true;
                e.heldBy = null;
                e.segment.liveBytes -= e.length;
                e.segment.liveCount--;
                charged -= e.charge();
            }
            box.held -= removed.size();
            r.held.removeIf(e -> e.removed);
            int waiting = r.visible(box);
            if (box.unused()) {
                mailboxes.remove(r.recipient);
            }
            if (closed) {
                // Removed in memory; shown again after a restart, which the reader's ids reveal.
                return CompletableFuture.completedFuture(waiting);
            }
            // Every stretch names only messages taken: one between them that another reader holds,
            // or one queued but not yet readable (a larger id), must survive a restart.
            byte[] name = r.recipient.getBytes(StandardCharsets.UTF_8);
            ByteBuffer records = ByteBuffer.allocate(runs.size() * JournalRecord.rangeLength(name.length));
            for (long[] run : runs) {
                records.put(JournalRecord.range(run[0], run[1], name));
            }
            queued.add(new Removal(records.array(), waiting, done));
            schedule = !turnQueued;
            turnQueued = true;
        }
        if (schedule) {
            scheduleTurn();
        }
        return done;
    }

    /** The recipients with messages waiting or queued now; cluster recovery reads each. */
    public synchronized List<String> recipients() {
        return List.copyOf(mailboxes.keySet());
    }

    /**
     * Removes the messages of {@code recipient} with the given ids that no reader holds, recording
     * it as a reader's removal does; completes, once that is on the disk, with how many it removed.
     * A member of a cluster calls it for the messages it journaled that were read through any member.
     */
    public CompletableFuture<Integer> removeIds(String recipient, Set<Long> ids) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        boolean schedule;
        synchronized (this) {
            if (closed) {
                // Not recorded: the caller must keep its report of the removal for the next start.
                return CompletableFuture.failedFuture(new IllegalStateException("the message store is closed"));
            }
            Mailbox box = mailboxes.get(recipient);
            if (box == null) {
                return CompletableFuture.completedFuture(0);
            }
            int count = 0;
            for (int i = 0; i < box.size(); i++) {
                Entry e = box.get(i);
                count += e.heldBy == null && ids.contains(e.id) ? 1 : 0;
            }
            if (count == 0) {
                return CompletableFuture.completedFuture(0);
            }
            List<long[]> runs = new ArrayList<>();
            List<Entry> removed = box.remove(e -> e.heldBy == null && ids.contains(e.id), count, runs);
            for (Entry e : removed) {
                e.removed = true;
                e.segment.liveBytes -= e.length;
                e.segment.liveCount--;
                charged -= e.charge();
            }
            if (box.unused()) {
                mailboxes.remove(recipient);
            }
            byte[] name = recipient.getBytes(StandardCharsets.UTF_8);
            ByteBuffer records = ByteBuffer.allocate(runs.size() * JournalRecord.rangeLength(name.length));
            for (long[] run : runs) {
                records.put(JournalRecord.range(run[0], run[1], name));
            }
            queued.add(new Removal(records.array(), removed.size(), done));
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

    /** How many messages wait for all recipients together, those handed to a reader included. */
    public synchronized int waitingTotal() {
        int total = 0;
        for (Mailbox box : mailboxes.values()) {
            total += box.size();
        }
        return total;
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
        return files.segments.stream().map(s -> s.file).toList();
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
        files.closeFiles();
    }

    @Override
    public String toString() {
        return "message journal " + files.dir;
    }
}
