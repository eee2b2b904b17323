package org.edgenet.server.service;

/** As many password checks are running and waiting as the server allows; the login is refused. */
public final class VerifierBusyException extends RuntimeException {
    public VerifierBusyException() {
        super("the password checks are all busy", null, false, false);
    }
}
