package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.EncodedDevices;

import java.util.List;

/**
 * A joined device as the registry records it.
 *
 * @param name        device name from the credentials
 * @param ip          address it connected from
 * @param udpPort     where it listens for peers
 * @param since       when it joined, as the device log shows it: formatted once at join, since
 *                    AED repeats it for every device on every request, and kept only in this form
 */
public record ActiveDevice(DeviceName name, String ip, int udpPort, String since) {
    /**
     * What AED shows {@code asker}: the entries of {@code all} (encoded in the same order) but its
     * own. Its own entry is the one it joined with, so comparing references is enough.
     */
    public static List<DeviceInfo> othersAsShown(List<ActiveDevice> all, EncodedDevices encoded, ActiveDevice asker) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) == asker) {
                return encoded.without(i);
            }
        }
        return encoded;
    }
}
