package org.edgenet.server.service;

import org.edgenet.server.service.JournalFiles.Segment;

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

        Entry removeFirst() {
            Entry e = ring[head];
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            size--;
            return e;
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
