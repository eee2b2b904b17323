package org.edgenet.server.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.crdt.pncounter.PNCounter;
import com.hazelcast.flakeidgen.FlakeIdGenerator;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Messages shared by the cluster: one Hazelcast map from recipient to {@link Mailbox}, each write
 * waiting for its synchronous backup on another member, so a message confirmed to its sender
 * survives the loss of any one member. A reader reads through whichever member its device is
 * joined to; the messages a member's readers held are given back when that member leaves.
 * Arrivals are announced on a topic, so a device is told through whichever member it is joined to.
 *
 * <p>The cluster keeps messages in memory only (Hazelcast's free edition persists nothing): given
 * {@link JournaledMessages}, each member also journals the messages it accepts before confirming
 * them, and the removals, so that a restart of every member at once loses none. Thread-safe.
 */
final class ClusterMessageStore implements MessageStore {
    private static final Logger log = LoggerFactory.getLogger(ClusterMessageStore.class);
    /** Recipient to mailbox. */
    static final String MAILBOXES = "edgenet.mailboxes";
    private static final String ARRIVALS = "edgenet.arrivals";
    static final String IDS = "edgenet.message-ids";
    static final String BYTES = "edgenet.message-bytes";

    private final IMap<String, Mailbox> mailboxes;
    private final FlakeIdGenerator ids;
    private final PNCounter bytes;
    private final ITopic<Arrival> arrivals;
    private final UUID self;
    private final Clock clock;
    private final int perRecipient;
    private final long totalBytes;
    private final AtomicLong readers = new AtomicLong();
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private final UUID topicListener;
    private final UUID memberListener;
    private final HazelcastInstance hz;
    /** This member's journal of the messages it accepts; null keeps them in the cluster only. */
    private final JournaledMessages journaled;

    /** A message for {@code recipient} from {@code sender} was stored. */
    record Arrival(String recipient, String sender) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    ClusterMessageStore(HazelcastInstance hz, Clock clock, int perRecipient, long totalBytes,
                        JournaledMessages journaled) {
        this.hz = hz;
        this.journaled = journaled;
        this.mailboxes = hz.getMap(MAILBOXES);
        this.ids = hz.getFlakeIdGenerator(IDS);
        this.bytes = hz.getPNCounter(BYTES);
        this.arrivals = hz.getTopic(ARRIVALS);
        this.self = hz.getCluster().getLocalMember().getUuid();
        this.clock = clock;
        this.perRecipient = perRecipient;
        this.totalBytes = totalBytes;
        this.topicListener = arrivals.addMessageListener(m -> {
            Arrival a = m.getMessageObject();
            List<Consumer<String>> here = subscribers.get(a.recipient());
            if (here != null) {
                here.forEach(c -> c.accept(a.sender()));
            }
        });
        this.memberListener = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                // What the readers of a member that is gone held is the oldest again for everyone.
                // Map-wide, so off the event thread; every member does it, which is harmless.
                UUID gone = e.getMember().getUuid();
                CompletableFuture.runAsync(() -> mailboxes.executeOnEntries(new Mailbox.Release(gone, -1)))
                        .exceptionally(failed -> {
                            log.warn("Cannot give back the messages held through cluster member {}: {}",
                                    ClusterNode.address(e.getMember()), failed.getMessage());
                            return null;
                        });
            }
        });
    }

    @Override
    public CompletableFuture<Long> post(String sender, String recipient, String text) {
        long now = clock.millis();
        Mailbox.Message probe = new Mailbox.Message(0, sender, now, text, null, null);
        long cost = Mailbox.cost(probe);
        if (bytes.get() + cost > totalBytes) {
            return CompletableFuture.failedFuture(new ProtocolException(ErrorCode.MAILBOX_FULL,
                    "the message store is full"));
        }
        if (journaled == null) {
            return post(sender, recipient, text, now, cost, null);
        }
        // On the disk first: the sender is confirmed only once the message survives every member.
        return journaled.accept(sender, recipient, text)
                .thenCompose(origin -> post(sender, recipient, text, now, cost, origin)
                        .whenComplete((id, e) -> {
                            if (e != null) {
                                journaled.withdraw(origin);
                            }
                        }));
    }

    private CompletableFuture<Long> post(String sender, String recipient, String text, long now, long cost,
                                         String origin) {
        return mailboxes.submitToKey(recipient, new Mailbox.Post(ids.newId(), sender, now, text, perRecipient, origin))
                .toCompletableFuture().exceptionally(e -> {
                    throw unavailable("post a message for " + recipient, e);
                }).thenApply(id -> {
                    if (id < 0) {
                        throw new ProtocolException(ErrorCode.MAILBOX_FULL, "the mailbox of " + recipient + " is full");
                    }
                    bytes.addAndGet(cost);
                    arrivals.publishAsync(new Arrival(recipient, sender));
                    return id;
                });
    }

    @Override
    public Reader reader(String recipient) {
        return new ClusterReader(recipient, new Mailbox.ReaderId(self, readers.incrementAndGet()));
    }

    /** Messages waiting in the mailboxes this member owns (read at most once a second, by a scrape). */
    int waitingHere() {
        int total = 0;
        for (String recipient : mailboxes.localKeySet()) {
            Mailbox box = mailboxes.get(recipient);
            if (box != null) {
                total += box.messages.size();
            }
        }
        return total;
    }

    @Override
    public int waiting(String recipient) {
        return waitingLater(recipient).join();
    }

    @Override
    public CompletableFuture<Integer> waitingLater(String recipient) {
        return mailboxes.submitToKey(recipient, new Mailbox.Count()).toCompletableFuture();
    }

    @Override
    public Subscription subscribe(String recipient, Consumer<String> onArrival) {
        subscribers.computeIfAbsent(recipient, r -> new CopyOnWriteArrayList<>()).add(onArrival);
        return () -> subscribers.computeIfPresent(recipient, (r, list) -> {
            list.remove(onArrival);
            return list.isEmpty() ? null : list;
        });
    }

    @Override
    public void close() {
        try {
            if (hz.getLifecycleService().isRunning()) {
                arrivals.removeMessageListener(topicListener);
                hz.getCluster().removeMembershipListener(memberListener);
            }
        } catch (RuntimeException e) {
            // The member is stopping: its listeners go with it.
        }
    }

    /** A failure of the cluster itself becomes a refusal the device understands, logged once here. */
    private static ProtocolException unavailable(String what, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        if (cause instanceof ProtocolException p) {
            return p;
        }
        log.warn("Cannot {} in the cluster: {}", what, cause.getMessage());
        return new ProtocolException(ErrorCode.INTERNAL, "the cluster could not store the message; please try again");
    }

    private ZonedDateTime at(long millis) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), clock.getZone());
    }

    private final class ClusterReader implements Reader {
        private final String recipient;
        private final Mailbox.ReaderId id;
        private volatile boolean closed;

        ClusterReader(String recipient, Mailbox.ReaderId id) {
            this.recipient = recipient;
            this.id = id;
        }

        @Override
        public CompletableFuture<Batch> read(int max, int maxBytes) {
            if (closed) {
                return CompletableFuture.completedFuture(new Batch(List.of(), 0));
            }
            return mailboxes.submitToKey(recipient, new Mailbox.Read(id, max, maxBytes)).toCompletableFuture()
                    .thenApply(taken -> {
                        List<Stored> stored = new ArrayList<>(taken.messages().size());
                        for (Mailbox.Message m : taken.messages()) {
                            stored.add(new Stored(m.id(), m.sender(), at(m.storedAt()), m.text()));
                        }
                        return new Batch(stored, taken.waiting());
                    });
        }

        @Override
        public CompletableFuture<Integer> remove(long upToId) {
            return mailboxes.submitToKey(recipient, new Mailbox.Remove(id, upToId)).toCompletableFuture()
                    .thenCompose(r -> {
                        if (r.freed() > 0) {
                            bytes.addAndGet(-r.freed());
                        }
                        if (journaled == null || r.origins().isEmpty()) {
                            return CompletableFuture.completedFuture(r.waiting());
                        }
                        // Confirmed to the reader once the journal holding the messages will not restore them.
                        return journaled.removed(r.origins()).thenApply(done -> r.waiting());
                    });
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try {
                    mailboxes.submitToKey(recipient, new Mailbox.Release(id.member(), id.reader()));
                } catch (RuntimeException e) {
                    // The member is stopping; the others give back what its readers held.
                }
            }
        }
    }
}
