package org.edgenet.server.service;

/** Who may join and with which password. Implementations are safe to call from any thread. */
public interface CredentialStore {
    /** True when {@code device} has credentials at all. */
    boolean knows(String device);

    /** True when {@code password} is the password of {@code device}. */
    boolean matches(String device, String password);

    /** Number of known devices. */
    int size();
}
