package org.edgenet.server.service;

import org.edgenet.common.format.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public final class FileDeviceRegistry implements DeviceRegistry {
    private static final Logger log = LoggerFactory.getLogger(FileDeviceRegistry.class);

    private final Path file;
    private final Path temp;
    private final Clock clock;
    private final ZoneId zone;
    private final Executor writer;
    private final ExecutorService ownedWriter;

    private final Object lock = new Object();
    /** The live set, including changes not written yet. Guarded by {@link #lock}. */
    private final Map<String, Entry> live = new LinkedHashMap<>();
    /** Futures of changes the next write will cover. Guarded by {@link #lock}. */
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    /** True while a write task is queued and has not taken its snapshot yet. Guarded by {@link #lock}. */
    private boolean writeQueued;
    /** What the file shows now; queries answer from this so they agree with the file. */
    private volatile List<ActiveDevice> recorded = List.of();

    /** A device with the part of its line after the sequence number, formatted once. */
    private record Entry(ActiveDevice device, String lineTail) {
    }

    private FileDeviceRegistry(Path file, Clock clock, ZoneId zone, Executor writer, ExecutorService owned) {
        this.file = file.toAbsolutePath();
        this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
        this.clock = clock;
        this.zone = zone;
        this.writer = writer;
        this.ownedWriter = owned;
    }

    /** Opens the registry with its own writer thread; {@link #clear()} then starts the record afresh. */
    public static FileDeviceRegistry open(Path file, Clock clock, ZoneId zone) throws IOException {
        ExecutorService owner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "device-log-writer");
            t.setDaemon(true);
            return t;
        });
        return start(new FileDeviceRegistry(file, clock, zone, owner, owner));
    }

    /** As {@link #open(Path, Clock, ZoneId)}, writing on {@code writer}; tests pass a direct executor. */
    public static FileDeviceRegistry open(Path file, Clock clock, ZoneId zone, Executor writer) throws IOException {
        return start(new FileDeviceRegistry(file, clock, zone, writer, null));
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
    public CompletableFuture<ActiveDevice> join(String device, String ip, int udpPort) {
        Instant now = clock.instant();
        ActiveDevice entry = new ActiveDevice(device, ip, udpPort, now, Timestamps.format(now, zone));
        String tail = "; " + entry.since() + "; " + device + "; " + ip + "; " + udpPort;
        synchronized (lock) {
            if (live.putIfAbsent(device, new Entry(entry, tail)) != null) {
                return CompletableFuture.failedFuture(new AlreadyJoinedException(device));
            }
        }
        return scheduleWrite().thenApply(v -> entry);
    }

    @Override
    public CompletableFuture<Void> leave(ActiveDevice device) {
        synchronized (lock) {
            Entry current = live.get(device.name());
            if (current == null || !current.device().equals(device)) {
                return CompletableFuture.completedFuture(null);
            }
            live.remove(device.name());
        }
        return scheduleWrite();
    }

    @Override
    public boolean isActive(String device) {
        synchronized (lock) {
            return live.containsKey(device);
        }
    }

    @Override
    public List<ActiveDevice> active() {
        return recorded;
    }

    @Override
    public List<ActiveDevice> othersThan(String device) {
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
    public Optional<ActiveDevice> find(String device) {
        for (ActiveDevice d : recorded) {
            if (d.name().equals(device)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Joins the next write, queueing one unless a queued write will still see this change. */
    private CompletableFuture<Void> scheduleWrite() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queue;
        synchronized (lock) {
            waiting.add(done);
            queue = !writeQueued;
            writeQueued = true;
        }
        if (queue) {
            try {
                writer.execute(this::writeLatest);
            } catch (RuntimeException e) {
                failWaiting(e);
            }
        }
        return done;
    }

    /** Runs on the writer: takes the latest state and every waiting future, writes, completes them. */
    private void writeLatest() {
        List<Entry> snapshot;
        List<CompletableFuture<Void>> covered;
        synchronized (lock) {
            writeQueued = false;
            snapshot = new ArrayList<>(live.values());
            covered = waiting;
            waiting = new ArrayList<>();
        }
        try {
            writeEntries(snapshot);
            List<ActiveDevice> devices = new ArrayList<>(snapshot.size());
            for (Entry e : snapshot) {
                devices.add(e.device());
            }
            recorded = List.copyOf(devices);
            covered.forEach(f -> f.complete(null));
        } catch (IOException | RuntimeException e) {
            log.error("Cannot write {}", file, e);
            covered.forEach(f -> f.completeExceptionally(e));
        }
    }

    private void writeEntries(List<Entry> entries) throws IOException {
        StringBuilder text = new StringBuilder(entries.size() * 64);
        int seq = 1;
        for (Entry e : entries) {
            text.append(seq++).append(e.lineTail()).append('\n');
        }
        Files.write(temp, text.toString().getBytes(StandardCharsets.UTF_8));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void failWaiting(RuntimeException e) {
        List<CompletableFuture<Void>> covered;
        synchronized (lock) {
            writeQueued = false;
            covered = waiting;
            waiting = new ArrayList<>();
        }
        covered.forEach(f -> f.completeExceptionally(e));
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
