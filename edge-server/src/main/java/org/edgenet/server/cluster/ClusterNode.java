package org.edgenet.server.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.FlakeIdGeneratorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.edgenet.common.cli.StartupException;
import org.edgenet.server.ClusterSettings;
import org.edgenet.server.MessageSettings;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.JournalMessageStore;
import org.edgenet.server.service.LoginGuard;
import org.edgenet.server.service.MessageStore;
import org.edgenet.server.service.SharedFiles;
import org.edgenet.server.service.TicketService;
import org.edgenet.server.service.TracingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * This server's embedded Hazelcast member and the cluster-backed services made on it. Only this
 * package names Hazelcast, and the server reaches it only when cluster settings are given, so a
 * server that runs alone never loads the library.
 *
 * <p>The member joins the listed members one by one over TCP; multicast, auto-detection and the
 * library's phone-home are off, its logging goes through SLF4J, and the JVM's shutdown hook of the
 * library is off too: the server leaves the cluster itself, after its devices have left.
 */
public final class ClusterNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

    /** Presence: device name to {@link Presence}. */
    static final String PRESENCE = "edgenet.presence";
    /** Lockout: device name to {@link GuardState}. */
    static final String LOCKOUT = "edgenet.lockout";
    /** Join order of presence entries. */
    static final String JOIN_ORDER = "edgenet.join-order";
    /** TempID to its line of tempIDs.txt. */
    static final String TEMP_IDS = "edgenet.tempids";

    private final HazelcastInstance hz;
    private volatile ClusterMessageStore messages;
    private volatile ClusterDeviceRegistry presence;

    private ClusterNode(HazelcastInstance hz) {
        this.hz = hz;
    }

    /**
     * Starts the member and waits until it has joined the members it can reach (it forms a cluster
     * of its own when it reaches none: the first server started).
     *
     * @throws StartupException with one line when the member cannot start (its port taken, say)
     */
    public static ClusterNode start(ClusterSettings settings) throws StartupException {
        requireFreePort(settings);
        try {
            ClusterNode node = new ClusterNode(Hazelcast.newHazelcastInstance(config(settings)));
            node.watchMembers();
            return node;
        } catch (RuntimeException e) {
            throw new StartupException("Cannot start the cluster member on port " + settings.port() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /**
     * Says in one line that the member's port is taken, before the library would (with a stack
     * trace of its own). The port is released again at once for the member to bind.
     */
    private static void requireFreePort(ClusterSettings settings) throws StartupException {
        InetSocketAddress at = settings.loopbackOnly() ? new InetSocketAddress(InetAddress.getLoopbackAddress(),
                settings.port()) : new InetSocketAddress(settings.port());
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(at);
        } catch (IOException e) {
            throw new StartupException("Cannot start the cluster member: port " + settings.port()
                    + " is already in use", e);
        }
    }

    static Config config(ClusterSettings settings) {
        Config config = new Config();
        config.setClusterName(settings.name());
        // Instance names must be unique in one JVM (tests run several members): the port is.
        config.setInstanceName("edgenet-" + settings.name() + "-" + settings.port());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // A member that stops answering is dropped within seconds, so its devices can join elsewhere.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        // A member waits this long for the listed ones to answer before it forms a cluster alone (the
        // first server started); running members answer within milliseconds. One that starts alone
        // because the others were slow merges with them later (Hazelcast's split-brain healing).
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "5");
        config.setProperty("hazelcast.initial.min.cluster.size", "1");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        if (settings.loopbackOnly()) {
            network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
            config.setProperty("hazelcast.socket.bind.any", "false");
        }
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
        for (InetSocketAddress m : settings.members()) {
            join.getTcpIpConfig().addMember(m.getAddress().getHostAddress() + ":" + m.getPort());
        }
        // Every write waits for its one backup: what a device was told is stored survives any one member.
        config.addMapConfig(new MapConfig(PRESENCE).setBackupCount(1).setAsyncBackupCount(0));
        // One id at a time, made when asked: a member's prefetched batch would number a later join
        // on it before an earlier one on another member.
        config.addFlakeIdGeneratorConfig(new FlakeIdGeneratorConfig(JOIN_ORDER).setPrefetchCount(1));
        config.addMapConfig(new MapConfig(LOCKOUT).setBackupCount(1).setAsyncBackupCount(0));
        config.addMapConfig(new MapConfig(TEMP_IDS).setBackupCount(1).setAsyncBackupCount(0));
        // A relayed ticket waits seconds at most; more waiting than this means the member is stuck.
        config.addExecutorConfig(new ExecutorConfig(TicketRelay.EXECUTOR).setPoolSize(4).setQueueCapacity(4096));
        config.addMapConfig(new MapConfig(ClusterMessageStore.MAILBOXES).setBackupCount(1).setAsyncBackupCount(0));
        config.addMapConfig(new MapConfig(JournaledMessages.REMOVED).setBackupCount(1).setAsyncBackupCount(0));
        config.addMapConfig(ClusterFiles.mapConfig());
        return config;
    }

    private void watchMembers() {
        hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                log.info("Cluster member {} joined ({} members)", address(e.getMember()), e.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                log.info("Cluster member {} left ({} members)", address(e.getMember()), e.getMembers().size());
            }
        });
        log.info("Cluster member {} started in cluster {} ({} members)", address(hz.getCluster().getLocalMember()),
                hz.getConfig().getClusterName(), hz.getCluster().getMembers().size());
    }

    static String address(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    /** Presence shared by the cluster, recorded in this server's own {@code deviceLog}. */
    public ClusterDeviceRegistry registry(Path deviceLog, Clock clock, ZoneId zone, Disk disk) throws IOException {
        presence = ClusterDeviceRegistry.open(hz, deviceLog, clock, zone, disk);
        return presence;
    }

    /**
     * The ticket office of this server: tickets for devices joined elsewhere are relayed to their
     * member, found through the presence of {@link #registry}, which must be open.
     */
    public TicketService tickets() {
        TicketService office = new TicketService(TicketService.LIFETIME, new TicketRelay(hz, presence));
        hz.getUserContext().put(TicketRelay.OFFICE, office);
        return office;
    }

    /** Failure counts and blocks shared by the cluster. */
    public LoginGuard loginGuard(int attempts, Duration blockDuration, Clock clock) {
        return new ClusterLoginGuard(hz.getMap(LOCKOUT), attempts, blockDuration, clock);
    }

    /** Messages shared by the cluster, within the limits of {@code settings}. */
    public MessageStore messages(MessageSettings settings, Clock clock) {
        messages = new ClusterMessageStore(hz, clock, settings.perRecipient(), settings.totalBytes(), null);
        return messages;
    }

    /**
     * As {@link #messages(MessageSettings, Clock)}, each message this member accepts also kept in
     * {@code journal} (in {@code settings.journal()}) until it is read through any member; what the
     * journal held is put back into the cluster first. Blocking: call at start.
     */
    public MessageStore messages(MessageSettings settings, Clock clock, JournalMessageStore journal) throws IOException {
        JournaledMessages journaled = JournaledMessages.open(hz, journal, settings.journal());
        journaled.recover(hz.getMap(ClusterMessageStore.MAILBOXES), hz.getFlakeIdGenerator(ClusterMessageStore.IDS),
                hz.getPNCounter(ClusterMessageStore.BYTES));
        messages = new ClusterMessageStore(hz, clock, settings.perRecipient(), settings.totalBytes(), journaled);
        return messages;
    }

    /** Messages waiting in the mailboxes this member owns: its share of the cluster's, for the metrics. */
    public int messagesWaitingHere() {
        ClusterMessageStore store = messages;
        return store == null ? 0 : store.waitingHere();
    }

    /**
     * Shares the TempIDs of {@code tracing} with every member, each kept in the cluster for
     * {@code keep} (its lifetime and the retention), so that an upload through any server traces a
     * TempID issued by any: what the cluster holds now is learnt at once, what comes later as it
     * comes.
     */
    public void shareTempIds(TracingService tracing, Duration keep) {
        IMap<String, String> issued = hz.getMap(TEMP_IDS);
        issued.addEntryListener((EntryAddedListener<String, String>) e -> tracing.learn(e.getValue()), true);
        // The line is "device tempID start expiry": keyed by the TempID.
        tracing.onIssued(line -> issued.setAsync(line.split(" ")[1], line, keep.toMillis(), TimeUnit.MILLISECONDS));
        issued.values().forEach(tracing::learn);
    }

    /** The data directory's locks and summaries, shared with every member that uses it. */
    public SharedFiles sharedFiles() {
        return new ClusterFiles(hz.getMap(ClusterFiles.LOCKS), hz.getMap(ClusterFiles.SUMMARIES),
                hz.getTopic(ClusterFiles.STORED));
    }

    /**
     * The members in the cluster's order (the oldest first) with the devices joined through each,
     * for the dashboard; no devices are counted before {@link #registry} is open.
     */
    public List<MemberShare> shares() {
        // A scrape or the dashboard may come while the server stops: a member that left shows nothing.
        if (!hz.getLifecycleService().isRunning()) {
            return List.of();
        }
        ClusterDeviceRegistry registry = presence;
        Map<UUID, Integer> devices = registry == null ? Map.of() : registry.devicesByMember();
        List<MemberShare> shares = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            shares.add(new MemberShare(address(m), m.localMember(), devices.getOrDefault(m.getUuid(), 0)));
        }
        return shares;
    }

    /** The gauges of this member for /metrics: README.md, section Metrics, lists them. */
    public MeterBinder meters() {
        return registry -> {
            Gauge.builder("edgenet.cluster.members", this, n -> n.shares().size()).strongReference(true)
                    .description("Members of the cluster this server belongs to").register(registry);
            Gauge.builder("edgenet.devices.joined.here", this, ClusterNode::devicesHere).strongReference(true)
                    .description("Devices joined through this server; edgenet_devices_joined counts the cluster's")
                    .register(registry);
        };
    }

    private int devicesHere() {
        ClusterDeviceRegistry registry = presence;
        if (registry == null || !hz.getLifecycleService().isRunning()) {
            return 0;
        }
        return registry.devicesByMember().getOrDefault(
                hz.getCluster().getLocalMember().getUuid(), 0);
    }

    /** How many members the cluster has now. */
    public int members() {
        return hz.getCluster().getMembers().size();
    }

    /** The member itself: tests stop it abruptly with {@code terminate()}. */
    HazelcastInstance instance() {
        return hz;
    }

    /** Leaves the cluster: the other members take over this one's share of the data first. */
    @Override
    public void close() {
        if (hz.getLifecycleService().isRunning()) {
            hz.shutdown();
        }
    }
}
