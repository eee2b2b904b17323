package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.Timestamps;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.EncodedDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The active devices, recorded in {@code edge-device-log.txt} as {@code seq; timestamp; name; ip;
 * udpPort} lines numbered 1..n in join order.
 *
 * <p>The file is only ever replaced whole (temp file in the same directory, then an atomic move),
 * so a reader never sees half of it. One writer thread owns the file, and writes coalesce: however
 * many joins and leaves arrive while a write is under way, the next write records the latest state
 * once and completes all of them. That keeps thousands of joins from turning into thousands of
 * rewrites of an ever longer file.
 *
 * <p>A write is not forced to the disk: the file only says who is online now and is emptied at
 * every start. When a write fails (a full disk), the joins it carried are forgotten, so those
 * devices may join again later, and fail with the reason; the leaves it carried stand, since a
 * device that left cannot be kept, and the next write that succeeds records them.
 */
public final class FileDeviceRegistry implements DeviceRegistry {
    private static final Logger log = LoggerFactory.getLogger(FileDeviceRegistry.class);

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final int MAX_SEQ_DIGITS = 10;
    /** What a write fills at a time: far above a line (a name is at most 255 bytes), far below a humongous array. */
    private static final int WRITE_BUFFER = 64 * 1024;

    private final AtomicFile file;
    private final Clock clock;
    private final ZoneId zone;
    private final SerialExecutor writer;

    private final Object lock = new Object();
    /** The live set, including changes not written yet. Guarded by {@link #lock}. */
    private final Map<DeviceName, Entry> live = new LinkedHashMap<>();
    /**
     * Changes the next write will cover, in the order they were made. Guarded by {@link #lock}, and
     * changed in the same step as {@link #live}, so a write never carries a change without its future.
     */
    private final PendingBatch<Change> waiting = new PendingBatch<>();
    /** What the file shows now; queries answer from this so they agree with the file. */
    private volatile Recorded recorded = Recorded.NONE;

    /**
     * A device with the part of its line after the sequence number and its AED entry, both made
     * once at join: the file is rewritten whole and AED answered from the entries, each many times.
     */
    private record Entry(ActiveDevice device, byte[] lineTail, byte[] encoded) {
    }

    /**
     * The devices the file shows, in its order, and their AED entries in the same order, put
     * together at the first AED after a change: thousands of joins in a row then put them
     * together once, not once per write.
     */
    private static final class Recorded {
        static final Recorded NONE = new Recorded(List.of(), List.of());

        final List<ActiveDevice> devices;
        private final List<byte[]> entries;
        /** Made by whichever event loop asks first; two that race make equal copies. */
        private volatile EncodedDevices encoded;

        Recorded(List<ActiveDevice> devices, List<byte[]> entries) {
            this.devices = devices;
            this.entries = entries;
        }

        List<ActiveDevice> devices() {
            return devices;
        }

        EncodedDevices encoded() {
            EncodedDevices e = encoded;
            if (e == null) {
                e = EncodedDevices.of(entries);
                encoded = e;
            }
            return e;
        }
    }

    /** A second since the epoch and how it is shown. */
    private record Stamp(long second, String text) {
    }

    /** The last second a join was stamped with; event loops race harmlessly, making equal copies. */
    private volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, "");

    /** A join ({@code joined} set) or a leave waiting to be recorded. */
    private record Change(DeviceName device, Entry joined, CompletableFuture<Void> done) {
        @Override
        public String toString() {
            return device + (joined != null ? " joined" : " left");
        }
    }

    private FileDeviceRegistry(AtomicFile file, Clock clock, ZoneId zone, SerialExecutor writer) {
        this.file = file;
        this.clock = clock;
        this.zone = zone;
        this.writer = writer;
    }

    /** Opens the registry with its own writer thread; {@link #clear()} then starts the record afresh. */
    public static FileDeviceRegistry open(Path file, Clock clock, ZoneId zone, Disk disk) throws IOException {
        return open(file, clock, zone, disk, SerialExecutor.thread("device-log-writer"));
    }

    /** As {@link #open(Path, Clock, ZoneId, Disk)}, writing on {@code writer}; tests pass a direct executor. */
    public static FileDeviceRegistry open(Path file, Clock clock, ZoneId zone, Disk disk, Executor writer)
            throws IOException {
        return open(file, clock, zone, disk, SerialExecutor.on(writer));
    }

    private static FileDeviceRegistry open(Path file, Clock clock, ZoneId zone, Disk disk, SerialExecutor writer)
            throws IOException {
        // Not forced: the server empties this file at every start, so a copy that survived a power
        // loss would be cleared anyway, and forcing it would only make every join and leave wait.
        AtomicFile atomic = new AtomicFile(file, disk, false);
        Path dir = atomic.path().getParent();
        if (dir != null) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                writer.shutdown();
                throw e;
            }
        }
        return new FileDeviceRegistry(atomic, clock, zone, writer);
    }

    /**
     * Records that no device is active, as at every start. Kept apart from opening so that a server
     * that fails to start (its port taken by a running one) leaves that server's file alone.
     */
    public void clear() throws IOException {
        synchronized (lock) {
            if (!live.isEmpty()) {
                throw new IllegalStateException("devices are active");
            }
        }
        file.replace("");
        recorded = Recorded.NONE;
    }

    @Override
    public CompletableFuture<ActiveDevice> join(DeviceName device, String ip, int udpPort) {
        Instant now = clock.instant();
        ActiveDevice entry = new ActiveDevice(device, ip, udpPort, stamp(now));
        Entry joined = new Entry(entry, ("; " + entry.since() + "; " + device + "; " + ip + "; " + udpPort)
                .getBytes(StandardCharsets.UTF_8), new DeviceInfo(device, ip, udpPort, entry.since()).encoded());
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queue;
        synchronized (lock) {
            if (live.putIfAbsent(device, joined) != null) {
                return CompletableFuture.failedFuture(new AlreadyJoinedException(device));
            }
            queue = waiting.add(new Change(device, joined, done));
        }
        if (queue) {
            queueWrite();
        }
        return done.thenApply(v -> entry);
    }

    /**
     * The time shown for a join at {@code now}, made once per second: formatting was the largest
     * part of a join's own work, and the devices that join in the same second share one string.
     */
    private String stamp(Instant now) {
        Stamp last = lastStamp;
        if (last.second() != now.getEpochSecond()) {
            last = new Stamp(now.getEpochSecond(), Timestamps.format(now, zone));
            lastStamp = last;
        }
        return last.text();
    }

    /**
     * {@inheritDoc} A leave always stands: if the file cannot be written, the failure is logged,
     * the future completes all the same and the next write that succeeds records it.
     */
    @Override
    public CompletableFuture<Void> leave(ActiveDevice device) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queue;
        synchronized (lock) {
            Entry current = live.get(device.name());
            if (current == null || !current.device().equals(device)) {
                return CompletableFuture.completedFuture(null);
            }
            live.remove(device.name());
            queue = waiting.add(new Change(device.name(), null, done));
        }
        if (queue) {
            queueWrite();
        }
        return done;
    }

    @Override
    public boolean isActive(DeviceName device) {
        synchronized (lock) {
            return live.containsKey(device);
        }
    }

    @Override
    public List<ActiveDevice> active() {
        return recorded.devices();
    }

    @Override
    public List<DeviceInfo> othersAsShown(ActiveDevice device) {
        Recorded now = recorded;
        return ActiveDevice.othersAsShown(now.devices(), now.encoded(), device);
    }



    /** Queues the write that takes the waiting changes; a queued write will still see later ones. */
    private void queueWrite() {
        try {
            writer.execute(this::writeLatest);
        } catch (RuntimeException e) {
            List<Change> covered;
            synchronized (lock) {
                covered = waiting.take();
            }
            writeFailed(covered, null, e);
        }
    }

    /** Runs on the writer: takes the latest state and every waiting change, writes, completes them. */
    private void writeLatest() {
        List<Entry> snapshot;
        List<Change> covered;
        synchronized (lock) {
            snapshot = new ArrayList<>(live.values());
            covered = waiting.take();
        }
        try {
            writeEntries(snapshot);
        } catch (IOException | RuntimeException e) {
            writeFailed(covered, snapshot, e);
            return;
        }
        recorded = recorded(snapshot, Set.of());
        covered.forEach(c -> c.done().complete(null));
    }

    /**
     * The joins of a failed write are undone and fail; its leaves stand. Queries then answer from
     * what is true rather than from the stale file: a device that left is not offered as a peer.
     * {@code snapshot} is null when the write never ran.
     */
    private void writeFailed(List<Change> covered, List<Entry> snapshot, Throwable e) {
        Set<Entry> forgotten = Collections.newSetFromMap(new IdentityHashMap<>());
        synchronized (lock) {
            for (Change c : covered) {
                if (c.joined() != null && live.get(c.device()) == c.joined()) {
                    live.remove(c.device());
                    forgotten.add(c.joined());
                }
            }
        }
        if (snapshot != null) {
            recorded = recorded(snapshot, forgotten);
        }
        Throwable joinFailure = e;
        String what = covered.isEmpty() ? "the active devices" : "that " + covered.get(0)
                + (covered.size() == 1 ? "" : " and " + (covered.size() - 1) + " other changes");
        if (OutOfSpace.causedBy(e)) {
            log.warn("Cannot record {} in {}: {}", what, file.path().getFileName(), OutOfSpace.MESSAGE);
            joinFailure = OutOfSpace.error();
        } else {
            log.error("Cannot record {} in {}", what, file.path(), e);
        }
        for (Change c : covered) {
            if (c.joined() != null) {
                c.done().completeExceptionally(joinFailure);
            } else {
                c.done().complete(null);
            }
        }
    }

    private static Recorded recorded(List<Entry> entries, Set<Entry> except) {
        List<ActiveDevice> devices = new ArrayList<>(entries.size());
        List<byte[]> encoded = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (!except.contains(e)) {
                devices.add(e.device());
                encoded.add(e.encoded());
            }
        }
        return new Recorded(List.copyOf(devices), encoded);
    }

    /**
     * Replaces the file with the entries, numbered from 1 (see {@link AtomicFile#replace}), through
     * one buffer refilled as it goes: with thousands of devices, the file as a string, then as bytes,
     * were arrays of megabytes at every write, each one humongous for G1.
     */
    private void writeEntries(List<Entry> entries) throws IOException {
        // No larger than the file: a join or leave among a few devices rewrites a few hundred
        // bytes, and zeroing a 64 KiB buffer for each was most of the writer thread's work.
        long size = 0;
        for (Entry e : entries) {
            size += MAX_SEQ_DIGITS + e.lineTail().length + 1;
        }
        int capacity = (int) Math.min(WRITE_BUFFER, size);
        file.replace(out -> {
            ByteBuffer buf = ByteBuffer.allocate(capacity);
            int seq = 1;
            for (Entry e : entries) {
                byte[] tail = e.lineTail();
                if (buf.remaining() < MAX_SEQ_DIGITS + tail.length + 1) {
                    out.write(buf.flip());
                    buf.clear();
                }
                putDecimal(buf, seq++);
                buf.put(tail).put((byte) '\n');
            }
            out.write(buf.flip());
        });
    }

    private static void putDecimal(ByteBuffer buf, int n) {
        int start = buf.position();
        do {
            buf.put((byte) ('0' + n % 10));
            n /= 10;
        } while (n > 0);
        for (int i = start, j = buf.position() - 1; i < j; i++, j--) {
            byte digit = buf.get(i);
            buf.put(i, buf.get(j));
            buf.put(j, digit);
        }
    }

    @Override
    public void close() {
        if (!writer.close(CLOSE_WAIT) && !Thread.currentThread().isInterrupted()) {
            log.warn("{} writer did not finish within 10 s", file.path());
        }
    }

    /** Test hook: the file this registry owns. */
    public Path file() {
        return file.path();
    }
}
