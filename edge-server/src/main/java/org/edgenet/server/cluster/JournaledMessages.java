package org.edgenet.server.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.crdt.pncounter.PNCounter;
import com.hazelcast.flakeidgen.FlakeIdGenerator;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import org.edgenet.server.service.JournalMessageStore;
import org.edgenet.server.service.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The cluster's messages on this member's disk, so that a restart of every member at once loses
 * none that was confirmed. The cluster keeps them in memory only; besides, each member journals
 * what it accepts in its own message journal (the single server's {@link JournalMessageStore},
 * same files, same group commit) before the sender is confirmed.
 *
 * <p>A message carries its <em>origin</em> through the cluster: {@code journal-key:id:recipient},
 * the key a random name this journal keeps in {@link #KEY_FILE}, the id its own. Whichever member a
 * message is read through, its removal reaches the journal that holds it: directly when that is
 * this member's, else through the cluster map {@link #REMOVED}, which the owner watches, journals
 * and clears. Entries for a member that is away wait there for it.
 *
 * <p>At start, each message this journal still holds is put back into the cluster unless the
 * cluster has removed it meanwhile ({@link #REMOVED}) or still holds it (a member rejoining a
 * cluster that kept running): {@link Mailbox.Restore} compares origins, so nothing is added twice.
 */
final class JournaledMessages {
    private static final Logger log = LoggerFactory.getLogger(JournaledMessages.class);
    /** Origins of messages removed through some member, until the journal holding them has recorded it. */
    static final String REMOVED = "edgenet.removed-messages";
    /** The journal's name in the cluster, kept beside its files. */
    static final String KEY_FILE = "cluster-journal-key";
    private static final Pattern KEY = Pattern.compile("[0-9a-f-]{36}");
    private static final long WAIT_SECONDS = 60;

    private final JournalMessageStore journal;
    private final String key;
    private final IMap<String, Boolean> removed;

    private JournaledMessages(HazelcastInstance hz, JournalMessageStore journal, String key) {
        this.journal = journal;
        this.key = key;
        this.removed = hz.getMap(REMOVED);
    }

    /** Reads (or, the first time, makes) the key of the journal in {@code dir}. Blocking: call at start only. */
    static JournaledMessages open(HazelcastInstance hz, JournalMessageStore journal, Path dir) throws IOException {
        Path file = dir.resolve(KEY_FILE);
        String key = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
        if (!KEY.matcher(key).matches()) {
            key = UUID.randomUUID().toString();
            Path temp = dir.resolve(KEY_FILE + ".tmp");
            Files.writeString(temp, key + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return new JournaledMessages(hz, journal, key);
    }

    /** Journals a message; completes with its origin once it is on the disk. */
    CompletableFuture<String> accept(String sender, String recipient, String text) {
        return journal.post(sender, recipient, text).thenApply(id -> origin(id, recipient));
    }

    /** Takes back a message journaled by {@link #accept} that the cluster then refused. */
    void withdraw(String origin) {
        forget(origin);
    }

    /**
     * Records that the messages of {@code origins} were read and removed through this member;
     * completes once each removal is on this member's disk or, for another member's journal, in
     * the cluster for that member to record.
     */
    CompletableFuture<Void> removed(List<String> origins) {
        List<CompletableFuture<?>> done = new ArrayList<>();
        Map<String, Boolean> elsewhere = new HashMap<>();
        for (String o : origins) {
            if (o.startsWith(key + ":")) {
                done.add(forgetHere(o));
            } else {
                elsewhere.put(o, Boolean.TRUE);
            }
        }
        if (!elsewhere.isEmpty()) {
            done.add(removed.putAllAsync(elsewhere).toCompletableFuture());
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /**
     * Puts what the journal holds back into the cluster, then starts recording the removals other
     * members report. Blocking: call at start, before devices connect.
     */
    void recover(IMap<String, Mailbox> mailboxes, FlakeIdGenerator ids, PNCounter bytes) throws IOException {
        try {
            restore(mailboxes, ids, bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while putting its messages back into the cluster", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IOException("its messages could not be put back into the cluster: " + cause.getMessage(), e);
        }
    }

    private void restore(IMap<String, Mailbox> mailboxes, FlakeIdGenerator ids, PNCounter bytes)
            throws InterruptedException, ExecutionException, TimeoutException {
        int restored = 0;
        int present = 0;
        Map<String, Set<Long>> gone = new HashMap<>();
        for (String recipient : journal.recipients()) {
            List<MessageStore.Reader> readers = new ArrayList<>();
            try {
                // A reader is handed again what it holds: each batch takes a new reader, so that the
                // ones before hide theirs.
                while (true) {
                    MessageStore.Reader reader = journal.reader(recipient);
                    readers.add(reader);
                    MessageStore.Batch batch = reader.read(MessageStore.MAX_READ, Integer.MAX_VALUE)
                            .get(WAIT_SECONDS, TimeUnit.SECONDS);
                    for (MessageStore.Stored m : batch.messages()) {
                        String origin = origin(m.id(), recipient);
                        if (removed.containsKey(origin)) {
                            gone.computeIfAbsent(recipient, r -> new HashSet<>()).add(m.id());
                            continue;
                        }
                        long storedAt = m.storedAt().toInstant().toEpochMilli();
                        boolean added = mailboxes.submitToKey(recipient, new Mailbox.Restore(ids.newId(), m.sender(),
                                storedAt, m.text(), origin)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
                        if (added) {
                            bytes.addAndGet(Mailbox.cost(new Mailbox.Message(0, m.sender(), storedAt, m.text(), null,
                                    origin)));
                            restored++;
                        } else {
                            present++;
                        }
                    }
                    if (!batch.more()) {
                        break;
                    }
                }
            } finally {
                readers.forEach(MessageStore.Reader::close);
            }
        }
        for (Map.Entry<String, Set<Long>> e : gone.entrySet()) {
            journal.removeIds(e.getKey(), e.getValue()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            for (long id : e.getValue()) {
                removed.delete(origin(id, e.getKey()));
            }
        }
        // Watch first, then look: a removal reported in between is recorded twice, which is harmless.
        removed.addEntryListener((EntryAddedListener<String, Boolean>) e -> {
            if (e.getKey().startsWith(key + ":")) {
                forget(e.getKey());
            }
        }, false);
        for (String origin : removed.keySet()) {
            if (origin.startsWith(key + ":")) {
                forget(origin);
            }
        }
        if (restored > 0 || present > 0) {
            log.info("Restored {} messages from the message journal into the cluster ({} were still there)",
                    restored, present);
        }
    }

    private String origin(long id, String recipient) {
        return key + ":" + id + ":" + recipient;
    }

    /** Records the removal of a message of this journal, then clears its report; failures are logged. */
    private void forget(String origin) {
        forgetHere(origin).whenComplete((r, e) -> {
            if (e != null) {
                log.warn("Cannot record in the message journal that a message was read: {}; "
                        + "it may be shown again after a restart of the whole cluster", e.getMessage());
            } else {
                removed.deleteAsync(origin);
            }
        });
    }

    private CompletableFuture<Integer> forgetHere(String origin) {
        String[] parts = origin.split(":", 3);
        return journal.removeIds(parts[2], Set.of(Long.parseLong(parts[1])));
    }
}
