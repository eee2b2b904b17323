package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Who may join and with which password. Implementations are safe to call from any thread. */
public interface CredentialStore {
    /** True when {@code device} has credentials at all. */
    boolean knows(DeviceName device);

    /** The secret of {@code device}, if it has one. */
    Optional<Secret> secret(DeviceName device);

    /**
     * A hash no password matches, checked for a name that is not known so that it costs what a
     * known name costs; empty when no known name is hashed (then every check is quick anyway).
     */
    Optional<Secret> decoy();

    /** Number of known devices. */
    int size();

    /**
     * True when {@code password} is the password of {@code device}. Checking a hash is slow: call
     * this off the event loop, or use {@link #verify}.
     */
    default boolean matches(DeviceName device, String password) {
        return secret(device).map(s -> s.matches(password)).orElse(false);
    }

    /**
     * Checks the password of {@code device}, or for an unknown name the {@link #decoy()}, and
     * completes with true only for a known name and its password. A hash is checked off the
     * calling thread where the store has threads for it; this default checks on the calling
     * thread. Throws {@link VerifierBusyException} when as many checks wait as may.
     */
    default CompletableFuture<Boolean> verify(DeviceName device, String password) {
        Optional<Secret> secret = secret(device);
        if (secret.isEmpty()) {
            decoy().ifPresent(d -> d.matches(password));
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.completedFuture(secret.get().matches(password));
    }
}
