package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The summaries of stored files known in memory, so that SCS is answered without touching the disk
 * and without leaving the event loop.
 *
 * <p>Only a file's lane changes its entry, and always in step with the disk: it forgets the
 * summary before it starts to replace or delete the file, and publishes the new one only once the
 * file and its sidecar are in place. Any thread may read. A {@link ComputeStats} is an immutable
 * record and the map publishes it safely, so a reader sees a whole summary, never part of one. A
 * reader that finds an entry sees the file as it was before the change its lane is making, which
 * is a valid answer for a request that came before the change was confirmed; one that finds none
 * goes to the lane, behind the change, and reads the disk.
 *
 * <p>File IDs are any {@code long}, so the files on disk are not bounded; the map is. Beyond
 * {@link #CAPACITY} entries, new summaries are not kept and their files are answered from the
 * disk, as before there was a map. At some 300 bytes an entry at most (key, device name, summary,
 * its sum and the map's node), the map holds at most about 20 MB. Lanes that publish at the same
 * time may overshoot the bound by one entry each.
 */
public final class Summaries {
    /** Most summaries held. */
    static final int CAPACITY = 65_536;

    private final ConcurrentMap<Key, ComputeStats> known = new ConcurrentHashMap<>();
    private final int capacity;

    Summaries() {
        this(CAPACITY);
    }

    Summaries(int capacity) {
        this.capacity = capacity;
    }

    /** The summary of the file as stored, or null when it is not known here. Any thread. */
    ComputeStats known(DeviceName device, FileId fileId) {
        return known.get(new Key(device, fileId));
    }

    /** On the file's lane, once the file with this summary is in place. */
    void publish(DeviceName device, FileId fileId, ComputeStats summary) {
        Key key = new Key(device, fileId);
        if (known.size() < capacity || known.containsKey(key)) {
            known.put(key, summary);
        }
    }

    /** On the file's lane, before the file is replaced or deleted, or when its summary is in doubt. */
    void forget(DeviceName device, FileId fileId) {
        known.remove(new Key(device, fileId));
    }

    int size() {
        return known.size();
    }

    /** The files whose summaries are known now; a copy, for the maintenance check. */
    List<Key> files() {
        return new ArrayList<>(known.keySet());
    }

    /** A stored file: its device and ID. */
    public record Key(DeviceName device, FileId fileId) {
    }
}
