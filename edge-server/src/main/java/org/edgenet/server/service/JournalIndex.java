package org.edgenet.server.service;

import org.edgenet.server.service.JournalFiles.Segment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The in-memory index of {@link JournalMessageStore}: per recipient, the ids and places of the
 * messages waiting, oldest first. All of it is guarded by the store's lock.
 */
final class JournalIndex {
    private JournalIndex() {
    }

    /** One waiting message in the index. Place fields are guarded by the store. */
    static final class Entry {
        final long id;
        final int length;
        Segment segment;
        long offset;
        boolean removed;
        /** The reader this message was handed to and that has not given it back; null when none. */
        Object heldBy;

        Entry(long id, int length) {
            this.id = id;
            this.length = length;
        }

        long charge() {
            return length + (long) JournalMessageStore.INDEX_COST;
        }
    }

    /** The messages of one recipient, oldest (smallest id) first, and those still being written. */
    static final class Mailbox {
        private Entry[] ring = new Entry[4];
        private int head;
        private int size;
        int pending;
        /** How many of the entries a reader holds. */
        int held;

        int size() {
            return size;
        }

        Entry get(int i) {
            return ring[(head + i) & (ring.length - 1)];
        }

        void addLast(Entry e) {
            if (size == ring.length) {
                Entry[] bigger = new Entry[ring.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = get(i);
                }
                ring = bigger;
                head = 0;
            }
            ring[(head + size) & (ring.length - 1)] = e;
            size++;
        }

        private void set(int i, Entry e) {
            ring[(head + i) & (ring.length - 1)] = e;
        }

        /**
         * Takes out the first {@code count} entries that {@code gone} accepts, the others keeping
         * their order, and adds to {@code runs} the first and last id of every stretch of them with
         * no other entry between. Costs the distance from the oldest entry to the last one taken:
         * the entries before it move up, those after it stay.
         */
        List<Entry> remove(Predicate<Entry> gone, int count, List<long[]> runs) {
            int span = 0;
            for (int found = 0; found < count && span < size; span++) {
                if (gone.test(get(span))) {
                    found++;
                }
            }
            List<Entry> removed = new ArrayList<>(count);
            int to = span - 1;
            long runLast = -1;
            long runFirst = -1;
            for (int from = span - 1; from >= 0; from--) {
                Entry e = get(from);
                if (gone.test(e)) {
                    removed.add(e);
                    runLast = runLast < 0 ? e.id : runLast;
                    runFirst = e.id;
                } else {
                    if (runLast >= 0) {
                        runs.add(new long[]{runFirst, runLast});
                        runLast = -1;
                    }
                    set(to--, e);
                }
            }
            if (runLast >= 0) {
                runs.add(new long[]{runFirst, runLast});
            }
            for (int i = 0; i < removed.size(); i++) {
                set(i, null);
            }
            head = (head + removed.size()) & (ring.length - 1);
            size -= removed.size();
            return removed;
        }

        /** Binary search: the ring is sorted by id. */
        Entry find(long id) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long at = get(mid).id;
                if (at < id) {
                    lo = mid + 1;
                } else if (at > id) {
                    hi = mid - 1;
                } else {
                    return get(mid);
                }
            }
            return null;
        }

        boolean unused() {
            return size == 0 && pending == 0;
        }
    }
}
