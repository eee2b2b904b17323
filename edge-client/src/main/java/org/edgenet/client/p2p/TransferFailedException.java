package org.edgenet.client.p2p;

import java.io.IOException;

/** A transfer that did not complete; the message is a plain sentence fit for the console. */
public final class TransferFailedException extends IOException {
    public TransferFailedException(String message) {
        super(message);
    }
}
