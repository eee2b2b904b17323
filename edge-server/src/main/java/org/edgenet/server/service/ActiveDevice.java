package org.edgenet.server.service;

import java.time.Instant;
import org.edgenet.common.format.DeviceName;

/**
 * A joined device as the registry records it.
 *
 * @param name        device name from the credentials
 * @param ip          address it connected from
 * @param udpPort     where it listens for peers
 * @param activeSince when it joined
 * @param since       {@code activeSince} as the device log shows it, formatted once at join
 *                    because AED repeats it for every device on every request
 */
public record ActiveDevice(DeviceName name, String ip, int udpPort, Instant activeSince, String since) {
}
