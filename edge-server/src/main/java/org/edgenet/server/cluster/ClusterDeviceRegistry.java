package org.edgenet.server.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.flakeidgen.FlakeIdGenerator;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.Timestamps;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.EncodedDevices;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.AlreadyJoinedException;
import org.edgenet.server.service.AtomicFile;
import org.edgenet.server.service.DeviceRegistry;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The active devices of the whole cluster: one Hazelcast map from device name to {@link Presence},
 * so a name joins once anywhere ({@code putIfAbsent}). Every member follows the map's events into a
 * view of its own, ordered by join, from which it answers AED and rewrites its own
 * {@code edge-device-log.txt}: each server's file shows the whole cluster, numbered 1..n.
 *
 * <p>A join or leave completes once its event has reached this member's view and the file that
 * shows it is written, as with the file-backed registry; the view changes only through events, so
 * a late event can never bring back a device that left. When a member leaves the cluster, or is
 * dropped because it stopped answering, every remaining member removes the devices it held, so
 * they can join again through any other member at once. Thread-safe.
 */
public final class ClusterDeviceRegistry implements DeviceRegistry {
    private static final Logger log = LoggerFactory.getLogger(ClusterDeviceRegistry.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final Duration SWEEP_DELAY = Duration.ofMillis(500);
    private static final int SWEEP_ATTEMPTS = 5;

    private final HazelcastInstance hz;
    private final IMap<String, Presence> map;
    private final FlakeIdGenerator ids;
    private final UUID self;
    private final AtomicFile file;
    private final Clock clock;
    private final ZoneId zone;
    private final SerialExecutor writer;
    /** Removes the devices of members that are gone: map-wide work, kept off the event threads. */
    private final ScheduledExecutorService sweeper;
    private volatile boolean closing;
    private UUID entryListener;
    private UUID memberListener;

    private final Object lock = new Object();
    /** The view, by name and in join order. Guarded by {@link #lock}. */
    private final Map<String, Entry> byName = new HashMap<>();
    private final TreeMap<Long, Entry> byOrder = new TreeMap<>();
    /** Completions waiting for the next write of the file. Guarded by {@link #lock}. */
    private List<Runnable> waiting = new ArrayList<>();
    private boolean writeQueued;
    /** Joins and leaves of this member waiting for their event, by join order. */
    private final Map<Long, CompletableFuture<ActiveDevice>> joins = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> leaves = new ConcurrentHashMap<>();
    private volatile Recorded recorded = new Recorded(List.of(), EncodedDevices.of(List.of()));

    private record Entry(Presence presence, ActiveDevice device, String lineTail, byte[] encoded) {
    }

    private record Recorded(List<ActiveDevice> devices, EncodedDevices encoded) {
    }

    private ClusterDeviceRegistry(HazelcastInstance hz, AtomicFile file, Clock clock, ZoneId zone) {
        this.hz = hz;
        this.map = hz.getMap(ClusterNode.PRESENCE);
        this.ids = hz.getFlakeIdGenerator(ClusterNode.JOIN_ORDER);
        this.self = hz.getCluster().getLocalMember().getUuid();
        this.file = file;
        this.clock = clock;
        this.zone = zone;
        this.writer = SerialExecutor.thread("device-log-writer");
        // Tasks come from membership changes (at most 64 members), not from devices.
        this.sweeper = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster-presence", true));
    }

    /**
     * Follows the cluster's presence map from now on, takes what it holds already, drops the devices
     * of members that left before this one came, and writes the file once.
     */
    static ClusterDeviceRegistry open(HazelcastInstance hz, Path deviceLog, Clock clock, ZoneId zone, Disk disk)
            throws IOException {
        AtomicFile atomic = new AtomicFile(deviceLog, disk, false);
        Path dir = atomic.path().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        ClusterDeviceRegistry registry = new ClusterDeviceRegistry(hz, atomic, clock, zone);
        try {
            registry.follow();
            registry.written().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            registry.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return registry;
    }

    private void follow() {
        Listener listener = new Listener();
        entryListener = map.addEntryListener(listener, true);
        memberListener = hz.getCluster().addMembershipListener(listener);
        for (Presence p : map.values()) {
            added(p);
        }
        Set<UUID> members = new HashSet<>();
        for (Member m : hz.getCluster().getMembers()) {
            members.add(m.getUuid());
        }
        sweeper.execute(() -> map.removeAll(new Presence.HeldOutside(members)));
    }

    /** Hazelcast's events, on its event threads; events for one name come in order. */
    private final class Listener implements EntryAddedListener<String, Presence>,
            EntryRemovedListener<String, Presence>, EntryUpdatedListener<String, Presence>, MembershipListener {
        @Override
        public void entryAdded(EntryEvent<String, Presence> event) {
            added(event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, Presence> event) {
            added(event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, Presence> event) {
            removed(event.getOldValue());
        }

        @Override
        public void memberAdded(MembershipEvent event) {
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            // Every member sweeps: removing twice is harmless, and no single one must survive to do it.
            sweep(event.getMember(), 1);
        }
    }

    /**
     * Removes the devices of a member that left. The first try waits a moment, while the partitions
     * the member owned find their new owners (a map-wide removal at that instant is refused); a
     * failed try is repeated a few times.
     */
    private void sweep(Member gone, int attempt) {
        try {
            sweeper.schedule(() -> {
                try {
                    map.removeAll(new Presence.HeldBy(gone.getUuid()));
                } catch (RuntimeException e) {
                    if (closing) {
                        return;
                    }
                    if (attempt < SWEEP_ATTEMPTS) {
                        sweep(gone, attempt + 1);
                    } else {
                        log.warn("Cannot remove the devices of cluster member {}: {}", ClusterNode.address(gone),
                                e.getMessage());
                    }
                }
            }, SWEEP_DELAY.toMillis() * attempt, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: this server leaves the cluster too.
        }
    }

    private void added(Presence p) {
        if (p == null) {
            return;
        }
        Entry entry = entry(p);
        synchronized (lock) {
            Entry old = byName.get(p.name());
            if (old != null && old.presence().order() == p.order()) {
                return;
            }
            if (old != null) {
                byOrder.remove(old.presence().order());
            }
            byName.put(p.name(), entry);
            byOrder.put(p.order(), entry);
            CompletableFuture<ActiveDevice> join = joins.remove(p.order());
            if (join != null) {
                waiting.add(() -> join.complete(entry.device()));
            }
            queueWrite();
        }
    }

    private void removed(Presence p) {
        if (p == null) {
            return;
        }
        synchronized (lock) {
            Entry old = byName.get(p.name());
            if (old != null && old.presence().order() == p.order()) {
                byName.remove(p.name());
                byOrder.remove(p.order());
            }
            CompletableFuture<Void> leave = leaves.remove(p.order());
            if (leave != null) {
                waiting.add(() -> leave.complete(null));
            }
            queueWrite();
        }
    }

    private Entry entry(Presence p) {
        ActiveDevice device = new ActiveDevice(DeviceName.of(p.name()), p.ip(), p.udpPort(), p.since());
        return new Entry(p, device, "; " + p.since() + "; " + p.name() + "; " + p.ip() + "; " + p.udpPort(),
                new DeviceInfo(device.name(), p.ip(), p.udpPort(), p.since()).encoded());
    }

    /** Queues one write for every change made until it runs. Call holding {@link #lock}. */
    private void queueWrite() {
        if (!writeQueued) {
            writeQueued = true;
            writer.execute(this::writeLatest);
        }
    }

    /** A future completed by the next write of the file. */
    private CompletableFuture<Void> written() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            waiting.add(() -> done.complete(null));
            queueWrite();
        }
        return done;
    }

    /** On the writer: the view as it is now, in join order, to the file and to the queries. */
    private void writeLatest() {
        List<Entry> snapshot;
        List<Runnable> covered;
        synchronized (lock) {
            snapshot = new ArrayList<>(byOrder.values());
            covered = waiting;
            waiting = new ArrayList<>();
            writeQueued = false;
        }
        StringBuilder text = new StringBuilder(snapshot.size() * 64);
        List<ActiveDevice> devices = new ArrayList<>(snapshot.size());
        List<byte[]> encoded = new ArrayList<>(snapshot.size());
        int seq = 1;
        for (Entry e : snapshot) {
            text.append(seq++).append(e.lineTail()).append('\n');
            devices.add(e.device());
            encoded.add(e.encoded());
        }
        recorded = new Recorded(List.copyOf(devices), EncodedDevices.of(encoded));
        try {
            file.replace(text);
        } catch (IOException | RuntimeException e) {
            // The cluster's state stands: the file is this server's picture of it, fixed at the next write.
            log.warn("Cannot record the active devices in {}: {}", file.path().getFileName(), e.getMessage());
        }
        covered.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<ActiveDevice> join(DeviceName device, String ip, int udpPort) {
        long order = ids.newId();
        Presence p = new Presence(device.value(), ip, udpPort, Timestamps.format(clock.instant(), zone), order, self);
        CompletableFuture<ActiveDevice> done = new CompletableFuture<>();
        // Waiting before the put: the event may come before the put's answer.
        joins.put(order, done);
        map.submitToKey(device.value(), new PutIfAbsent(p)).whenComplete((put, e) -> {
            if (e != null) {
                joins.remove(order);
                log.warn("Cannot record that {} joined in the cluster: {}", device, e.getMessage());
                done.completeExceptionally(new ProtocolException(ErrorCode.INTERNAL,
                        "the cluster could not record the join; please try again"));
            } else if (!Boolean.TRUE.equals(put)) {
                joins.remove(order);
                done.completeExceptionally(new AlreadyJoinedException(device));
            }
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> leave(ActiveDevice device) {
        Entry entry;
        synchronized (lock) {
            entry = byName.get(device.name().value());
        }
        if (entry == null || entry.device() != device) {
            return CompletableFuture.completedFuture(null);
        }
        long order = entry.presence().order();
        CompletableFuture<Void> done = new CompletableFuture<>();
        leaves.put(order, done);
        map.submitToKey(device.name().value(), new RemoveIfSame(order)).whenComplete((removed, e) -> {
            if (e != null || !Boolean.TRUE.equals(removed)) {
                // Gone already (its member swept, say), or the cluster is stopping: a leave always stands.
                leaves.remove(order);
                done.complete(null);
                if (e != null) {
                    log.warn("Cannot record that {} left in the cluster: {}", device.name(), e.getMessage());
                }
            }
        });
        return done;
    }

    @Override
    public boolean isActive(DeviceName device) {
        synchronized (lock) {
            return byName.containsKey(device.value());
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



    /** The member whose server holds the connection of {@code device}, if it is joined. */
    Optional<UUID> memberOf(DeviceName device) {
        synchronized (lock) {
            Entry e = byName.get(device.value());
            return e == null ? Optional.empty() : Optional.of(e.presence().member());
        }
    }

    /** How many devices each member holds now, by member; members without devices are absent. */
    Map<UUID, Integer> devicesByMember() {
        Map<UUID, Integer> counts = new HashMap<>();
        synchronized (lock) {
            for (Entry e : byName.values()) {
                counts.merge(e.presence().member(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Stops following the cluster; the devices of this server have left by now. */
    @Override
    public void close() {
        try {
            if (hz.getLifecycleService().isRunning()) {
                if (entryListener != null) {
                    map.removeEntryListener(entryListener);
                }
                if (memberListener != null) {
                    hz.getCluster().removeMembershipListener(memberListener);
                }
            }
        } catch (RuntimeException e) {
            log.debug("Listeners already gone with the member", e);
        }
        closing = true;
        sweeper.shutdownNow();
        if (!writer.close(CLOSE_WAIT) && !Thread.currentThread().isInterrupted()) {
            log.warn("{} writer did not finish within 10 s", file.path());
        }
    }
}
