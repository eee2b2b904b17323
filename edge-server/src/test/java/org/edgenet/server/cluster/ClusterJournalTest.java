package org.edgenet.server.cluster;

import org.edgenet.common.testing.MutableClock;
import org.edgenet.server.MessageSettings;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.JournalMessageStore;
import org.edgenet.server.service.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The members' own journals keep the cluster's messages over a restart of every member, and a
 * member restarted alone puts back nothing the cluster holds or has removed.
 */
class ClusterJournalTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    @TempDir
    Path dirC;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"), ZoneOffset.UTC);
    private final List<Member> running = new ArrayList<>();

    /** One server's part: its cluster member, its journal and the message store made of both. */
    private record Member(ClusterNode node, JournalMessageStore journal, MessageStore messages) {
        void stop() {
            messages.close();
            node.close();
            journal.close();
        }
    }

    @AfterEach
    void stopAll() {
        running.forEach(Member::stop);
    }

    private Member start(ClusterMembers members, int i, Path journalDir) throws Exception {
        return open(ClusterNode.start(members.settings(i)), journalDir);
    }

    private Member open(ClusterNode node, Path journalDir) throws Exception {
        MessageSettings d = MessageSettings.defaults();
        MessageSettings settings = new MessageSettings(d.port(), d.bind(), d.perRecipient(), d.totalBytes(), journalDir);
        JournalMessageStore journal = JournalMessageStore.open(journalDir, d.perRecipient(), d.totalBytes(),
                Disk.synced(), clock);
        Member m = new Member(node, journal, node.messages(settings, clock, journal));
        running.add(m);
        return m;
    }

    private List<Member> startThree(ClusterMembers members) throws Exception {
        List<ClusterNode> nodes = members.startAll();
        List<Member> started = new ArrayList<>();
        Path[] dirs = {dirA, dirB, dirC};
        for (int i = 0; i < 3; i++) {
            started.add(open(nodes.get(i), dirs[i]));
        }
        return started;
    }

    private void stop(Member m) {
        running.remove(m);
        m.stop();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "not within " + DEADLINE.toSeconds() + " s: " + what);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Everything waiting for {@code recipient}, read through {@code m} and removed. */
    private static List<String> readAll(Member m, String recipient) throws Exception {
        MessageStore.Reader reader = m.messages().reader(recipient);
        try {
            MessageStore.Batch batch = await(reader.read(MessageStore.MAX_READ, 1 << 20));
            if (!batch.messages().isEmpty()) {
                await(reader.remove(batch.lastId()));
            }
            return batch.messages().stream().map(MessageStore.Stored::text).toList();
        } finally {
            reader.close();
        }
    }

    @Test
    void aConfirmedMessageSurvivesARestartOfEveryMemberAndOneReadBeforeItIsNotShownAgain() throws Exception {
        List<Member> first = startThree(new ClusterMembers(28700, 3));
        await(first.get(0).messages().post("alice", "carol", "read before"));
        assertEquals(List.of("read before"), readAll(first.get(1), "carol"), "read through B before the restart");
        await(first.get(0).messages().post("alice", "carol", "kept"));
        // The removal through B reaches A's journal through the cluster: A records it at once.
        eventually(() -> first.get(0).journal().waiting("carol") == 1, "A's journal records the removal through B");
        List.copyOf(running).forEach(this::stop);

        List<Member> second = startThree(new ClusterMembers(28710, 3));
        assertEquals(List.of("kept"), readAll(second.get(2), "carol"), "read through C after the restart");
        assertEquals(List.of(), readAll(second.get(0), "carol"), "nothing left through A");
        assertEquals(List.of(), readAll(second.get(1), "carol"), "nothing left through B");
        assertEquals(0, second.get(0).journal().waiting("carol"), "A's journal recorded the read through C");
    }

    @Test
    void aMemberRestartedAloneAddsNothingTheClusterHoldsOrRemovedMeanwhile() throws Exception {
        ClusterMembers members = new ClusterMembers(28720, 3);
        List<Member> three = startThree(members);
        Member a = three.get(0);
        await(a.messages().post("alice", "dave", "one"));
        await(a.messages().post("alice", "dave", "two"));
        await(three.get(1).messages().post("bob", "dave", "three"));
        stop(a);

        // While A is away its messages live on in the cluster; one of them is read through C.
        MessageStore.Reader reader = three.get(2).messages().reader("dave");
        MessageStore.Batch batch = await(reader.read(1, 1 << 20));
        assertEquals("one", batch.messages().get(0).text(), "the oldest first");
        await(reader.remove(batch.lastId()));
        reader.close();

        Member back = start(members, 0, dirA);
        assertEquals(2, back.messages().waiting("dave"), "nothing added twice, nothing removed put back");
        assertEquals(1, back.journal().waiting("dave"), "A's journal recorded the read made while it was away");

        // And a restart of every member after that shows each message left exactly once.
        List.copyOf(running).forEach(this::stop);
        List<Member> again = startThree(new ClusterMembers(28730, 3));
        List<String> left = new ArrayList<>(readAll(again.get(1), "dave"));
        left.sort(null);
        assertEquals(List.of("three", "two"), left, "each message left, once");
    }
}
