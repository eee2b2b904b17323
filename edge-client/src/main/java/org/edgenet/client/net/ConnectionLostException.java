package org.edgenet.client.net;

import java.io.IOException;

/** The connection to the server ended while a request was waiting for its reply, or before it was sent. */
public final class ConnectionLostException extends IOException {
    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
