package org.edgenet.server.cluster;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The messages waiting for one recipient, as the cluster holds them, and the steps that change
 * them. Each step is an entry processor: it runs where the mailbox lives, one at a time, so posts,
 * reads and removals through different members never interleave. A message handed to a reader is
 * marked with the reader ({@code member} and {@code reader}) and hidden from every other reader
 * until that one removes it or gives it back.
 */
final class Mailbox implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One message; {@code holder} null while no reader holds it. {@code origin} names the member's
     * journal that holds it on disk and its id there ({@link JournaledMessages}), the same after
     * every restart.
     */
    record Message(long id, String sender, long storedAt, String text, ReaderId holder, String origin)
            implements Serializable {
        private static final long serialVersionUID = 2L;

        Message held(ReaderId by) {
            return new Message(id, sender, storedAt, text, by, origin);
        }
    }

    /** What a removal took out: the bytes it freed, how many the reader could be shown, the origins. */
    record Removed(long freed, int waiting, List<String> origins) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** A reader: the member it reads through and its number there. */
    record ReaderId(UUID member, long reader) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** What a read hands out, and how many the reader could be shown. */
    record Taken(List<Message> messages, int waiting) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Oldest first. */
    final ArrayList<Message> messages = new ArrayList<>();
    /** The newest id given here: ids grow within a mailbox even if members' clocks differ. */
    long lastId;

    private int visibleTo(ReaderId reader) {
        int n = 0;
        for (Message m : messages) {
            if (m.holder() == null || m.holder().equals(reader)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Stores a message unless {@code perRecipient} wait already; answers its id, or -1 when full.
     * The id is {@code proposed} (cluster-wide, growing with time) or just above the newest here.
     */
    record Post(long proposed, String sender, long storedAt, String text, int perRecipient, String origin)
            implements EntryProcessor<String, Mailbox, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long process(Map.Entry<String, Mailbox> entry) {
            Mailbox box = entry.getValue() == null ? new Mailbox() : entry.getValue();
            if (box.messages.size() >= perRecipient) {
                return -1L;
            }
            long id = Math.max(proposed, box.lastId + 1);
            box.lastId = id;
            box.messages.add(new Message(id, sender, storedAt, text, null, origin));
            entry.setValue(box);
            return id;
        }
    }

    /**
     * Puts back a message a member's journal kept over a restart, unless the mailbox holds it still
     * (the member rejoined a cluster that kept running); answers whether it was added. The limits
     * are not applied: the message was confirmed to its sender long ago.
     */
    record Restore(long proposed, String sender, long storedAt, String text, String origin)
            implements EntryProcessor<String, Mailbox, Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, Mailbox> entry) {
            Mailbox box = entry.getValue() == null ? new Mailbox() : entry.getValue();
            for (Message m : box.messages) {
                if (origin.equals(m.origin())) {
                    return false;
                }
            }
            long id = Math.max(proposed, box.lastId + 1);
            box.lastId = id;
            box.messages.add(new Message(id, sender, storedAt, text, null, origin));
            entry.setValue(box);
            return true;
        }
    }

    /** Hands {@code reader} the oldest messages no other reader holds; see MessageStore.Reader#read. */
    record Read(ReaderId reader, int max, int maxBytes) implements EntryProcessor<String, Mailbox, Taken> {
        private static final long serialVersionUID = 1L;

        @Override
        public Taken process(Map.Entry<String, Mailbox> entry) {
            Mailbox box = entry.getValue();
            if (box == null) {
                return new Taken(List.of(), 0);
            }
            List<Message> taken = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < box.messages.size() && taken.size() < max; i++) {
                Message m = box.messages.get(i);
                if (m.holder() != null && !m.holder().equals(reader)) {
                    continue;
                }
                bytes += m.text().length();
                if (!taken.isEmpty() && bytes > maxBytes) {
                    break;
                }
                Message held = m.held(reader);
                box.messages.set(i, held);
                taken.add(held);
            }
            int waiting = box.visibleTo(reader);
            if (!taken.isEmpty()) {
                entry.setValue(box);
            }
            return new Taken(taken, waiting);
        }
    }

    /**
     * Removes what {@code reader} holds up to {@code upToId}; answers how many it could be shown now
     * and, first, the total of the removed texts' lengths (for the cluster's byte count).
     */
    record Remove(ReaderId reader, long upToId) implements EntryProcessor<String, Mailbox, Removed> {
        private static final long serialVersionUID = 2L;

        @Override
        public Removed process(Map.Entry<String, Mailbox> entry) {
            Mailbox box = entry.getValue();
            if (box == null) {
                return new Removed(0, 0, List.of());
            }
            long freed = 0;
            List<String> origins = new ArrayList<>();
            for (var it = box.messages.iterator(); it.hasNext(); ) {
                Message m = it.next();
                if (reader.equals(m.holder()) && m.id() <= upToId) {
                    freed += cost(m);
                    if (m.origin() != null) {
                        origins.add(m.origin());
                    }
                    it.remove();
                }
            }
            long waiting = box.visibleTo(reader);
            // An empty mailbox goes: names are any the senders choose. The next id, from the cluster's
            // generator, still grows, since those grow with time.
            entry.setValue(box.messages.isEmpty() ? null : box);
            return new Removed(freed, (int) waiting, origins);
        }
    }

    /** Gives back what a reader holds, or every reader of one member when {@code reader} is -1. */
    record Release(UUID member, long reader) implements EntryProcessor<String, Mailbox, Void> {
        private static final long serialVersionUID = 1L;

        @Override
        public Void process(Map.Entry<String, Mailbox> entry) {
            Mailbox box = entry.getValue();
            if (box == null) {
                return null;
            }
            boolean changed = false;
            for (int i = 0; i < box.messages.size(); i++) {
                ReaderId h = box.messages.get(i).holder();
                if (h != null && h.member().equals(member) && (reader == -1 || h.reader() == reader)) {
                    box.messages.set(i, box.messages.get(i).held(null));
                    changed = true;
                }
            }
            if (changed) {
                entry.setValue(box);
            }
            return null;
        }
    }

    /** How many messages wait, held or not. */
    record Count() implements EntryProcessor<String, Mailbox, Integer>, ReadOnly {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer process(Map.Entry<String, Mailbox> entry) {
            return entry.getValue() == null ? 0 : entry.getValue().messages.size();
        }

        @Override
        public EntryProcessor<String, Mailbox, Integer> getBackupProcessor() {
            return null;
        }
    }

    /** What a message counts against the cluster's byte limit, as in the journal: text, names, index. */
    static long cost(Message m) {
        return 2L * m.text().length() + 2L * m.sender().length() + 256;
    }
}
