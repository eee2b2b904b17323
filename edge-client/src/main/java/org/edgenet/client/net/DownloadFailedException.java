package org.edgenet.client.net;

/**
 * A download (DLD) that this device could not complete although the server sent it, or sent it
 * damaged: the disk is full, or what arrived does not match. Nothing was stored; the message is a
 * plain sentence for the user.
 */
public final class DownloadFailedException extends RuntimeException {
    public DownloadFailedException(String message) {
        super(message, null, false, false);
    }
}
