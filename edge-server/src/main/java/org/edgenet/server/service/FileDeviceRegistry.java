package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
 * <p>A write is durable before it completes: the temp file is forced, moved over the log and the
 * directory forced. When a write fails (a full disk), the joins it carried are forgotten, so those
 * devices may join again later, and fail with the reason; the leaves it carried stand, since a
 * device that left cannot be kept, and the next write that succeeds records them.
 */
public final class FileDeviceRegistry implements DeviceRegistry {
    private static final Logger log = LoggerFactory.getLogger(FileDeviceRegistry.class);

    private final Path file;
    private final Path temp;
    private final Clock clock;
    private final ZoneId zone;
    private final Disk disk;
    private final Executor writer;
    private final ExecutorService ownedWriter;

    private final Object lock = new Object();
    /** The live set, including changes not written yet. Guarded by {@link #lock}. */
    private final Map<DeviceName, Entry> live = new LinkedHashMap<>();
    /** Changes the next write will cover, in the order they were made. Guarded by {@link #lock}. */
    private List<Change> waiting = new ArrayList<>();
    /** True while a write task is queued and has not taken its snapshot yet. Guarded by {@link #lock}. */
    private boolean writeQueued;
    /** What the file shows now; queries answer from this so they agree with the file. */
    private volatile List<ActiveDevice> recorded = List.of();

    /** A device with the part of its line after the sequence number, formatted once. */
    private record Entry(ActiveDevice device, String lineTail) {
    }

    /** A join ({@code joined} set) or a leave waiting to be recorded. */
    private record Change(DeviceName device, Entry joined, CompletableFuture<Void> done) {
        @Override
        public String toString() {
            return device + (joined != null ? " joined" : " left");
        }
    }

    private FileDeviceRegistry(Path file, Clock clock, ZoneId zone, Disk disk, Executor writer, ExecutorService owned) {
        this.file = file.toAbsolutePath();
        this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
        this.clock = clock;
        this.zone = zone;
        this.disk = disk;
        this.writer = writer;
        this.ownedWriter = owned;
    }

    /** Opens the registry with its own writer thread; {@link #clear()} then starts the record afresh. */
    public static FileDeviceRegistry open(Path file, Clock clock, ZoneId zone, Disk disk) throws IOException {
        ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "device-log-writer");
            t.setDaemon(true);
            return t;
        });
        return start(new FileDeviceRegistry(file, clock, zone, disk, owner, owner));
    }

    /** As {@link #open(Path, Clock, ZoneId, Disk)}, writing on {@code writer}; tests pass a direct executor. */
    public static FileDeviceRegistry open(Path file, Clock clock, ZoneId zone, Disk disk, Executor writer)
            throws IOException {
        return start(new FileDeviceRegistry(file, clock, zone, disk, writer, null));
    }

    private static FileDeviceRegistry start(FileDeviceRegistry registry) throws IOException {
        Path dir = registry.file.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        return registry;
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
        writeEntries(List.of());
        recorded = List.of();
    }

    @Override
    public CompletableFuture<ActiveDevice> join(DeviceName device, String ip, int udpPort) {
        Instant now = clock.instant();
        ActiveDevice entry = new ActiveDevice(device, ip, udpPort, now, Timestamps.format(now, zone));
        Entry joined = new Entry(entry, "; " + entry.since() + "; " + device + "; " + ip + "; " + udpPort);
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queue;
        synchronized (lock) {
            if (live.putIfAbsent(device, joined) != null) {
                return CompletableFuture.failedFuture(new AlreadyJoinedException(device));
            }
            queue = waitForWrite(new Change(device, joined, done));
        }
        if (queue) {
            queueWrite();
        }
        return done.thenApply(v -> entry);
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
            queue = waitForWrite(new Change(device.name(), null, done));
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
        return recorded;
    }

    @Override
    public List<ActiveDevice> othersThan(DeviceName device) {
        List<ActiveDevice> all = recorded;
        List<ActiveDevice> others = new ArrayList<>(all.size());
        for (ActiveDevice d : all) {
            if (!d.name().equals(device)) {
                others.add(d);
            }
        }
        return others;
    }

    @Override
    public Optional<ActiveDevice> find(DeviceName device) {
        for (ActiveDevice d : recorded) {
            if (d.name().equals(device)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Adds a change to the next write; true when the caller must queue that write, false when a
     * queued write will still see this change. Called holding {@link #lock}, in the same step as
     * the change to {@link #live}, so a write never carries a change without its future.
     */
    private boolean waitForWrite(Change change) {
        waiting.add(change);
        boolean queue = !writeQueued;
        writeQueued = true;
        return queue;
    }

    private void queueWrite() {
        try {
            writer.execute(this::writeLatest);
        } catch (RuntimeException e) {
            writeFailed(takeWaiting(), null, e);
        }
    }

    private List<Change> takeWaiting() {
        synchronized (lock) {
            writeQueued = false;
            List<Change> covered = waiting;
            waiting = new ArrayList<>();
            return covered;
        }
    }

    /** Runs on the writer: takes the latest state and every waiting change, writes, completes them. */
    private void writeLatest() {
        List<Entry> snapshot;
        List<Change> covered;
        synchronized (lock) {
            snapshot = new ArrayList<>(live.values());
            covered = takeWaiting();
        }
        try {
            writeEntries(snapshot);
        } catch (IOException | RuntimeException e) {
            writeFailed(covered, snapshot, e);
            return;
        }
        recorded = devices(snapshot, Set.of());
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
            recorded = devices(snapshot, forgotten);
        }
        Throwable joinFailure = e;
        String what = covered.isEmpty() ? "the active devices" : "that " + covered.get(0)
                + (covered.size() == 1 ? "" : " and " + (covered.size() - 1) + " other changes");
        if (OutOfSpace.causedBy(e)) {
            log.warn("Cannot record {} in {}: {}", what, file.getFileName(), OutOfSpace.MESSAGE);
            joinFailure = OutOfSpace.error();
        } else {
            log.error("Cannot record {} in {}", what, file, e);
        }
        for (Change c : covered) {
            if (c.joined() != null) {
                c.done().completeExceptionally(joinFailure);
            } else {
                c.done().complete(null);
            }
        }
    }

    private static List<ActiveDevice> devices(List<Entry> entries, Set<Entry> except) {
        List<ActiveDevice> devices = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            if (!except.contains(e)) {
                devices.add(e.device());
            }
        }
        return List.copyOf(devices);
    }

    /**
     * Replaces the file durably. A failure before the move removes the temp file and leaves the
     * file as it was; one after it (the directory sync) leaves the new file, not yet durable.
     */
    private void writeEntries(List<Entry> entries) throws IOException {
        StringBuilder text = new StringBuilder(entries.size() * 64);
        int seq = 1;
        for (Entry e : entries) {
            text.append(seq++).append(e.lineTail()).append('\n');
        }
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                disk.write(temp, out, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                disk.force(temp, out);
            }
            disk.move(temp, file);
        } catch (IOException | RuntimeException e) {
            try {
                disk.delete(temp);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        disk.syncDirectory(file.getParent());
    }

    @Override
    public void close() {
        if (ownedWriter == null) {
            return;
        }
        ownedWriter.shutdown();
        try {
            if (!ownedWriter.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("{} writer did not finish within 10 s", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Test hook: the file this registry owns. */
    public Path file() {
        return file;
    }
}
