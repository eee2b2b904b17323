package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;

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
}
