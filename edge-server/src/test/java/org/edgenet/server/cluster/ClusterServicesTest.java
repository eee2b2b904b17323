package org.edgenet.server.cluster;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.AlreadyJoinedException;
import org.edgenet.server.service.DeviceRegistry;
import org.edgenet.server.service.Disk;
import org.edgenet.server.MessageSettings;
import org.edgenet.server.TracingSettings;
import org.edgenet.server.service.TracingService;
import org.edgenet.server.service.LoginGuard;
import org.edgenet.server.service.MessageStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster-backed services on three members in this JVM, shared by the tests of the class (a
 * member takes a second or more to start); each test uses device names of its own, and leaves
 * nothing joined behind.
 */
class ClusterServicesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final ClusterMembers MEMBERS = new ClusterMembers(27510, 3);
    private static List<ClusterNode> nodes;

    @TempDir
    static Path dir;
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"), ZoneOffset.UTC);
    private static final List<ClusterDeviceRegistry> registries = new ArrayList<>();
    private final List<Runnable> leaveAfter = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        nodes = MEMBERS.startAll();
        for (int i = 0; i < nodes.size(); i++) {
            registries.add(nodes.get(i).registry(log(i), clock, ZoneOffset.UTC, Disk.synced()));
        }
    }

    @AfterAll
    static void stopCluster() {
        registries.forEach(DeviceRegistry::close);
        nodes.forEach(ClusterNode::close);
    }

    @AfterEach
    void leaveEverything() {
        leaveAfter.forEach(Runnable::run);
    }

    private static Path log(int i) {
        return dir.resolve("node" + i).resolve("edge-device-log.txt");
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "not within " + DEADLINE.toSeconds() + " s: " + what);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private ActiveDevice join(int node, String name, int udp) throws Exception {
        ClusterDeviceRegistry r = registries.get(node);
        ActiveDevice d = await(r.join(DeviceName.of(name), "10.0.0." + (node + 1), udp));
        leaveAfter.add(() -> r.leave(d).join());
        return d;
    }

    private static long lineCount(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> names(List<? extends Object> devices) {
        List<String> names = new ArrayList<>();
        for (Object o : devices) {
            names.add(o instanceof DeviceInfo i ? i.name().value() : ((ActiveDevice) o).name().value());
        }
        return names;
    }

    @Test
    void aDeviceJoinedThroughOneMemberIsAlreadyJoinedOnEveryOther() throws Exception {
        join(0, "dupA", 5001);
        for (int node = 0; node < 3; node++) {
            CompletableFuture<ActiveDevice> again = registries.get(node).join(DeviceName.of("dupA"), "10.9.9.9", 6000);
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(again), "node " + node);
            assertInstanceOf(AlreadyJoinedException.class, e.getCause(), "node " + node);
        }
    }

    @Test
    void twoMembersRacingForOneNameLetExactlyOneJoin() throws Exception {
        List<CompletableFuture<ActiveDevice>> tries = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            tries.add(registries.get(node).join(DeviceName.of("raceA"), "10.0.0.1", 5000 + node));
        }
        int joined = 0;
        for (int node = 0; node < 3; node++) {
            try {
                ActiveDevice d = await(tries.get(node));
                ClusterDeviceRegistry r = registries.get(node);
                leaveAfter.add(() -> r.leave(d).join());
                joined++;
            } catch (ExecutionException e) {
                assertInstanceOf(AlreadyJoinedException.class, e.getCause(), "node " + node);
            }
        }
        assertEquals(1, joined, "joins of one name at once");
    }

    @Test
    void aedOnAnyMemberListsTheDevicesOfEveryMemberInJoinOrder() throws Exception {
        ActiveDevice a = join(0, "aedA", 5001);
        join(1, "aedB", 5002);
        ActiveDevice c = join(2, "aedC", 5003);
        eventually(() -> registries.stream().allMatch(r -> r.active().size() == 3), "every member sees the three devices");
        assertEquals(List.of("aedB", "aedC"), names(registries.get(0).othersAsShown(a)), "AED of aedA on node 0");
        assertEquals(List.of("aedA", "aedB"), names(registries.get(2).othersAsShown(c)), "AED of aedC on node 2");
        assertEquals(List.of("aedA", "aedB", "aedC"), names(registries.get(1).active()), "node 1");
        assertEquals(5003, registries.get(0).find(DeviceName.of("aedC")).orElseThrow().udpPort(),
                "UVF looks a device up on another member");
        for (int node = 0; node < 3; node++) {
            int n = node;
            eventually(() -> lineCount(log(n)) == 3, "the device log of node " + n);
            List<String> lines = Files.readAllLines(log(node));
            assertTrue(lines.get(0).startsWith("1; ") && lines.get(0).contains("; aedA; 10.0.0.1; 5001"), lines.get(0));
            assertTrue(lines.get(1).startsWith("2; ") && lines.get(1).contains("; aedB; 10.0.0.2; 5002"), lines.get(1));
            assertTrue(lines.get(2).startsWith("3; ") && lines.get(2).contains("; aedC; 10.0.0.3; 5003"), lines.get(2));
        }
    }

    @Test
    void aDeviceThatLeftThroughItsMemberIsGoneEverywhereAndMayJoinElsewhere() throws Exception {
        ActiveDevice d = await(registries.get(1).join(DeviceName.of("leaveA"), "10.0.0.2", 5002));
        eventually(() -> registries.get(2).isActive(DeviceName.of("leaveA")), "node 2 sees the join");
        await(registries.get(1).leave(d));
        assertFalse(registries.get(1).isActive(DeviceName.of("leaveA")), "gone on its own member at once");
        eventually(() -> !registries.get(2).isActive(DeviceName.of("leaveA")), "node 2 sees the leave");
        join(2, "leaveA", 5003);
    }

    @Test
    void aStaleLeaveDoesNotTakeAwayALaterJoin() throws Exception {
        ActiveDevice old = await(registries.get(0).join(DeviceName.of("staleA"), "10.0.0.1", 5001));
        await(registries.get(0).leave(old));
        join(1, "staleA", 5002);
        await(registries.get(0).leave(old));
        eventually(() -> registries.get(0).isActive(DeviceName.of("staleA")), "node 0 sees the new join");
        assertTrue(registries.get(1).isActive(DeviceName.of("staleA")), "the later join stands");
    }

    @Test
    void failuresThroughDifferentMembersAddUpAndBlockTheNameOnEveryMember() {
        List<LoginGuard> guards = new ArrayList<>();
        for (ClusterNode n : nodes) {
            guards.add(n.loginGuard(3, Duration.ofSeconds(60), clock));
        }
        DeviceName name = DeviceName.of("blockA");
        assertEquals(new LoginGuard.Failure(1, false, false), guards.get(0).recordFailure(name), "first, on node 0");
        assertEquals(new LoginGuard.Failure(2, false, false), guards.get(1).recordFailure(name), "second, on node 1");
        assertEquals(new LoginGuard.Failure(3, true, false), guards.get(0).recordFailure(name), "third, on node 0");
        for (int node = 0; node < 3; node++) {
            assertEquals(Duration.ofSeconds(60), guards.get(node).blockedFor(name).orElseThrow(), "node " + node);
            assertFalse(guards.get(node).recordSuccess(name), "a right password on a blocked name, node " + node);
        }
        assertTrue(guards.get(2).recordFailure(name).alreadyBlocked(), "a failure while blocked");
        clock.advance(Duration.ofSeconds(60));
        assertTrue(guards.get(2).blockedFor(name).isEmpty(), "the block ended");
        assertEquals(new LoginGuard.Failure(1, false, false), guards.get(1).recordFailure(name),
                "the count starts again after a block");
        assertTrue(guards.get(2).recordSuccess(name), "a right password");
        assertEquals(new LoginGuard.Failure(1, false, false), guards.get(0).recordFailure(name),
                "a right password cleared the count everywhere");
        assertTrue(guards.get(0).recordSuccess(name), "cleared again");
    }

    @Test
    void aMessagePostedThroughOneMemberIsAnnouncedReadAndHeldAcrossMembers() throws Exception {
        List<MessageStore> stores = new ArrayList<>();
        for (ClusterNode n : nodes) {
            stores.add(n.messages(MessageSettings.defaults(), clock));
        }
        CompletableFuture<String> announced = new CompletableFuture<>();
        MessageStore.Subscription sub = stores.get(2).subscribe("mailA", announced::complete);
        long first = await(stores.get(0).post("alice", "mailA", "one"));
        long second = await(stores.get(1).post("bob", "mailA", "two"));
        assertTrue(second > first, "ids grow across members");
        assertEquals("alice", await(announced), "the subscriber on another member is told");
        assertEquals(2, stores.get(2).waiting("mailA"), "waiting, asked on a third member");

        MessageStore.Reader one = stores.get(1).reader("mailA");
        MessageStore.Reader other = stores.get(2).reader("mailA");
        MessageStore.Batch taken = await(one.read(1, 65_536));
        assertEquals(List.of("one"), taken.messages().stream().map(MessageStore.Stored::text).toList(), "read one");
        assertEquals(2, taken.waiting(), "the reader could be shown both");
        MessageStore.Batch rest = await(other.read(10, 65_536));
        assertEquals(List.of("two"), rest.messages().stream().map(MessageStore.Stored::text).toList(),
                "a second reader through another member is not shown what the first holds");
        assertEquals(0, (int) await(one.remove(first)), "removed what it confirmed; the other reader holds the rest");
        // Closing gives back asynchronously, through another member: a read shows it once it has.
        other.close();
        eventually(() -> one.read(10, 65_536).join().messages().stream().map(MessageStore.Stored::text).toList()
                .equals(List.of("two")), "what a closed reader held is shown again");
        assertEquals(0, (int) await(one.remove(second)), "nothing left");
        assertEquals(0, stores.get(0).waiting("mailA"), "the mailbox is empty everywhere");
        sub.cancel();
        stores.forEach(MessageStore::close);
    }

    @Test
    void aTempIdIssuedThroughOneMemberIsTracedThroughAnother() throws Exception {
        List<TracingService> tracing = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                MessageStore messages = nodes.get(i).messages(MessageSettings.defaults(), clock);
                Files.createDirectories(dir.resolve("trace" + i));
                TracingService t = TracingService.open(TracingSettings.defaults().in(dir.resolve("trace" + i)),
                        Disk.synced(), clock, ZoneOffset.UTC, messages);
                nodes.get(i).shareTempIds(t, Duration.ofDays(22));
                tracing.add(t);
            }
            TempIdWindow issued = await(tracing.get(0).tempId(DeviceName.of("traceA")));
            eventually(() -> tracing.get(1).known() == 1, "node 1 learns the TempID");
            TracingService.Report report = await(tracing.get(1).report(DeviceName.of("traceB"), List.of(issued)));
            assertEquals(List.of(new TracingService.Issued(DeviceName.of("traceA"), issued)), report.contacts(),
                    "the contact, traced through another member");
            assertTrue(Files.readString(dir.resolve("trace1").resolve("tempIDs.txt")).contains(issued.id().toString()),
                    "node 1 recorded it for its restarts");
        } finally {
            tracing.forEach(TracingService::close);
        }
    }
}
