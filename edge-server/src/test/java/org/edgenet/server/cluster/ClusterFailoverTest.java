package org.edgenet.server.cluster;

import com.hazelcast.core.HazelcastInstance;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.server.MessageSettings;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the cluster does when a member dies: its own cluster, since the member does not come back. */
class ClusterFailoverTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"), ZoneOffset.UTC);
    private final List<ClusterNode> nodes = new ArrayList<>();
    private final List<ClusterDeviceRegistry> registries = new ArrayList<>();

    @AfterEach
    void stop() {
        registries.forEach(ClusterDeviceRegistry::close);
        nodes.forEach(ClusterNode::close);
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "not within " + DEADLINE.toSeconds() + " s: " + what);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** A recipient name whose mailbox {@code node} owns. */
    private static String ownedBy(ClusterNode node) {
        HazelcastInstance hz = node.instance();
        for (int i = 0; ; i++) {
            String name = "mbox" + i;
            if (hz.getPartitionService().getPartition(name).getOwner().localMember()) {
                return name;
            }
        }
    }

    @Test
    void aDeadMembersDevicesLeaveEverywhereAndRejoinElsewhereAndItsConfirmedMessagesSurvive() throws Exception {
        nodes.addAll(new ClusterMembers(27520, 3).startAll());
        for (int i = 0; i < 3; i++) {
            registries.add(nodes.get(i).registry(dir.resolve("n" + i).resolve("edge-device-log.txt"), clock,
                    ZoneOffset.UTC, Disk.synced()));
        }
        registries.get(0).join(DeviceName.of("keepA"), "10.0.0.1", 5001).get(20, TimeUnit.SECONDS);
        registries.get(2).join(DeviceName.of("lostA"), "10.0.0.3", 5003).get(20, TimeUnit.SECONDS);
        registries.get(2).join(DeviceName.of("lostB"), "10.0.0.3", 5004).get(20, TimeUnit.SECONDS);
        eventually(() -> registries.get(1).active().size() == 3, "node 1 sees all three devices");

        // A message whose mailbox lives on the member about to die, accepted through that member.
        MessageStore dying = nodes.get(2).messages(MessageSettings.defaults(), clock);
        String recipient = ownedBy(nodes.get(2));
        long id = dying.post("keepA", recipient, "still here").get(20, TimeUnit.SECONDS);

        nodes.get(2).instance().getLifecycleService().terminate();

        MessageStore.Reader reader = nodes.get(0).messages(MessageSettings.defaults(), clock).reader(recipient);
        MessageStore.Batch batch = reader.read(10, 65_536).get(20, TimeUnit.SECONDS);
        assertEquals(1, batch.messages().size(), "the confirmed message survived the member that accepted it");
        assertEquals(id, batch.messages().get(0).id(), "its id");
        assertEquals("still here", batch.messages().get(0).text(), "its text");
        assertEquals(0, (int) reader.remove(id).get(20, TimeUnit.SECONDS), "nothing else waits");

        for (int i = 0; i < 2; i++) {
            ClusterDeviceRegistry r = registries.get(i);
            eventually(() -> r.active().size() == 1, "the dead member's devices leave the view of a survivor");
            assertEquals("keepA", r.active().get(0).name().value(), "the device of a survivor stays");
        }
        ActiveDevice again = registries.get(1).join(DeviceName.of("lostA"), "10.0.0.2", 5005)
                .get(20, TimeUnit.SECONDS);
        assertEquals(5005, again.udpPort(), "rejoined through node 1");
        Path log0 = dir.resolve("n0").resolve("edge-device-log.txt");
        eventually(() -> registries.get(0).active().size() == 2, "node 0 sees the rejoin");
        List<String> lines = Files.readAllLines(log0);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("1; ") && lines.get(0).contains("; keepA; "), lines.get(0));
        assertTrue(lines.get(1).startsWith("2; ") && lines.get(1).contains("; lostA; 10.0.0.2; 5005"), lines.get(1));
    }
}
