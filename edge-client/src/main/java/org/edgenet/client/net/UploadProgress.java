package org.edgenet.client.net;

/** Told how far an upload (UED) has got, on the connection's thread: keep it short. */
@FunctionalInterface
public interface UploadProgress {
    UploadProgress NONE = (sent, size) -> { };

    /** {@code sent} of the file's {@code size} bytes have been handed to the connection. */
    void sent(long sent, long size);
}
