package org.edgenet.server.service;

/** A credentials line whose hash cannot be used; the message is the reason, never the hash. */
public final class InvalidSecretException extends Exception {
    InvalidSecretException(String reason) {
        super(reason, null, false, false);
    }
}
