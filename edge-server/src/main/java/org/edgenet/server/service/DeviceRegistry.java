package org.edgenet.server.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;

/**
 * The set of active devices, in join order. Changes complete once they are visible to readers of
 * the registry's record (the device log); queries answer from memory. Thread-safe.
 */
public interface DeviceRegistry extends AutoCloseable {
    /**
     * Adds a device, stamped with the current time. Fails with {@link AlreadyJoinedException} when
     * the name is active already; the check and the insert are one atomic step. Fails with
     * {@link OutOfSpace#error()} when the record cannot be written, and the join is then forgotten.
     */
    CompletableFuture<ActiveDevice> join(DeviceName device, String ip, int udpPort);

    /**
     * Removes exactly this entry; completes at once when it is no longer there. Never fails: a
     * device that left is gone even if the record cannot be written yet.
     */
    CompletableFuture<Void> leave(ActiveDevice device);

    /** True when the name is active or its join is being recorded. */
    boolean isActive(DeviceName device);

    /** Every active device in join order, as last recorded. */
    List<ActiveDevice> active();

    /**
     * Every recorded active device except {@code device} (the entry its join returned), in join
     * order, as AED shows them: an {@link org.edgenet.common.message.EncodedDevices} view, so that
     * a reply sends entries encoded once at join, without encoding or copying them again.
     */
    List<DeviceInfo> othersAsShown(ActiveDevice device);

    /** Every recorded active device except {@code device}, in join order. */
    default List<ActiveDevice> othersThan(DeviceName device) {
        List<ActiveDevice> all = active();
        List<ActiveDevice> others = new ArrayList<>(all.size());
        for (ActiveDevice d : all) {
            if (!d.name().equals(device)) {
                others.add(d);
            }
        }
        return others;
    }

    /** The recorded entry of {@code device}, if it is active. */
    default Optional<ActiveDevice> find(DeviceName device) {
        for (ActiveDevice d : active()) {
            if (d.name().equals(device)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Waits for pending changes to be recorded, then stops. */
    @Override
    void close();
}
