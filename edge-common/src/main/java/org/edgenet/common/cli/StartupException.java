package org.edgenet.common.cli;

/**
 * A program cannot start: a bad argument, a file it cannot read, a port it cannot bind. The message
 * is one line the user can act on and all they are shown; the cause, if any, is for the log.
 */
public final class StartupException extends Exception {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
