package org.edgenet.server;

/** The server cannot start; the message is one line an operator can act on. */
public final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }

    public StartupException(String message) {
        super(message);
    }
}
