package org.edgenet.client.trace;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.client.net.ServerLink;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.UploadContacts;
import org.edgenet.common.trace.Beacon;
import org.edgenet.common.trace.BeaconFault;
import org.edgenet.common.trace.TempIdWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A joined device's contact tracing: its TempID, the beacons it sends, and its {@link ContactLog},
 * which one thread of this tracer owns. That thread also drops entries past the retention every
 * second (rewriting the file), and, with {@code --beacon-every}, starts each round of beacons to
 * every active device; the rounds themselves wait for nothing on it.
 */
public final class Tracer implements BeaconListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tracer.class);

    static final Duration PURGE_EVERY = Duration.ofSeconds(1);
    /** Beacons waiting for the log's thread at most; a flood beyond that is not kept. */
    static final int MAX_PENDING = 1_000;

    private final ServerLink server;
    private final BeaconSender sender;
    private final Path dir;
    private final TraceSettings settings;
    private final Clock clock;
    private final TraceEvents events;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("contact-log", true));
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean roundRunning = new AtomicBoolean();
    private volatile TempIdWindow current;
    /** Owned by {@link #thread}; null until {@link #start}. */
    private ContactLog contacts;
    private volatile DeviceName device;

    public Tracer(ServerLink server, BeaconSender sender, Path dir, TraceSettings settings, Clock clock,
                  TraceEvents events) {
        this.server = server;
        this.sender = sender;
        this.dir = dir;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
    }

    /**
     * The device has joined as {@code device}: opens {@code <device>_contactlog.txt}, then keeps
     * what beacons arrive, purges, and beacons on its own if told to. Returns once the log is open.
     *
     * @throws IOException when the contact log cannot be read
     */
    public void start(DeviceName device) throws IOException {
        Path file = dir.resolve(device + "_contactlog.txt");
        try {
            thread.submit(() -> {
                contacts = ContactLog.open(file, settings.retention());
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        this.device = device;
        thread.scheduleWithFixedDelay(this::purge, PURGE_EVERY.toMillis(), PURGE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        if (settings.beacons()) {
            long every = settings.beaconEvery().toMillis();
            thread.scheduleAtFixedRate(this::round, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** The contact log's file, once started. */
    public Path contactLogFile() {
        return dir.resolve(device + "_contactlog.txt");
    }

    // TempIDs

    /** TID: asks the server, which answers with the same TempID while it is valid. */
    public CompletableFuture<TempIdWindow> fetchTempId() {
        return server.tempId().thenApply(w -> {
            current = w;
            return w;
        });
    }

    /** The TempID held while it is valid, else a new one from the server. */
    public CompletableFuture<TempIdWindow> currentTempId() {
        TempIdWindow w = current;
        LocalDateTime now = LocalDateTime.now(clock);
        if (w != null && !now.isBefore(w.start()) && now.isBefore(w.expiry())) {
            return CompletableFuture.completedFuture(w);
        }
        return fetchTempId();
    }

    // Beacons out

    /** One beacon to {@code to}, with a current TempID (fetched first when there is none). */
    public CompletableFuture<TempIdWindow> beacon(InetSocketAddress to) {
        return currentTempId().thenCompose(w -> sender.send(to, Beacon.of(w)).thenApply(v -> w));
    }

    /** A round of {@code --beacon-every}: one beacon to every other active device; never two rounds at once. */
    void round() {
        if (!roundRunning.compareAndSet(false, true)) {
            return;
        }
        server.listActive().thenCompose(devices -> {
            List<CompletableFuture<TempIdWindow>> sent = new ArrayList<>();
            for (DeviceInfo d : devices) {
                sent.add(beacon(new InetSocketAddress(d.ip(), d.udpPort())));
            }
            return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
        }).whenComplete((v, e) -> {
            roundRunning.set(false);
            if (e != null) {
                log.info("A round of beacons failed", e);
                events.roundFailed(describe(e));
            }
        });
    }

    // Beacons in

    @Override
    public void valid(Beacon beacon, InetSocketAddress from) {
        if (device == null) {
            log.debug("A beacon from {} before joining: not kept", from);
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            events.beaconReceived(beacon.window(), from, ContactLog.Added.FULL);
            return;
        }
        try {
            thread.execute(() -> {
                pending.decrementAndGet();
                try {
                    events.beaconReceived(beacon.window(), from, contacts.add(beacon.window(), clock.instant()));
                } catch (IOException e) {
                    log.warn("Cannot write the contact log", e);
                    events.logFailed(e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
        }
    }

    @Override
    public void refused(BeaconFault fault, String detail, InetSocketAddress from, long total) {
        log.debug("Refused a beacon from {}: {} ({})", from, fault.text(), detail);
        events.beaconRefused(fault, detail, from, total);
    }

    // Retention

    private void purge() {
        try {
            int removed = contacts.purge(clock.instant());
            if (removed > 0) {
                log.info("Removed {} contact-log entries older than {}", removed, settings.retention());
            }
        } catch (IOException e) {
            log.warn("Cannot rewrite the contact log", e);
            events.logFailed(e.getMessage());
        }
    }

    // Upload

    /**
     * UCL: uploads the contact log as it is now, at most {@link UploadContacts#MAX_ENTRIES} of the
     * newest entries; completes with how many the server received.
     */
    public CompletableFuture<Integer> upload() {
        CompletableFuture<List<TempIdWindow>> entries = CompletableFuture.supplyAsync(
                () -> contacts == null ? List.<TempIdWindow>of() : contacts.entries(), thread);
        return entries.thenCompose(list -> {
            int from = Math.max(0, list.size() - UploadContacts.MAX_ENTRIES);
            return server.uploadContacts(List.copyOf(list.subList(from, list.size())));
        });
    }

    /** Entries in the contact log now. */
    public CompletableFuture<Integer> contactCount() {
        return CompletableFuture.supplyAsync(() -> contacts == null ? 0 : contacts.size(), thread);
    }

    /** Stops beaconing and purging; the contact log stays on the disk. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
