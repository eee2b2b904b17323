package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;

/** Who may join and with which password. Implementations are safe to call from any thread. */
public interface CredentialStore {
    /** True when {@code device} has credentials at all. */
    boolean knows(DeviceName device);

    /** True when {@code password} is the password of {@code device}. */
    boolean matches(DeviceName device, String password);

    /** Number of known devices. */
    int size();
}
