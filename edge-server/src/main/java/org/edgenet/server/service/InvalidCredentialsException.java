package org.edgenet.server.service;

/** A credentials file that cannot replace the table in use; the message says why in a few words. */
public final class InvalidCredentialsException extends Exception {
    InvalidCredentialsException(String reason) {
        super(reason, null, false, false);
    }
}
