package org.edgenet.server.net;

import org.edgenet.common.format.DeviceName;
import org.edgenet.server.service.ActiveDevice;

/**
 * What a connection knows once its device has joined; handed to the command handler that replaces
 * the auth handler.
 *
 * @param device the registry entry created by the join
 */
public record Session(ActiveDevice device) {
    public DeviceName name() {
        return device.name();
    }
}
