package org.edgenet.client.p2p;

import java.nio.file.Path;

/** What a device's console hears about peer transfers; called from background threads. */
public interface TransferEvents {
    /** A file from {@code presenter} arrived whole and was stored as {@code stored}. */
    void received(String fileName, String presenter, Path stored);

    /** Progress of a large transfer, in either direction. */
    default void progress(String fileName, String peer, boolean sending, long doneBytes, long totalBytes) {
    }

    /** An incoming transfer failed; nothing of it was kept. */
    default void receiveFailed(String fileName, String presenter, String reason) {
    }

    /** The device removed {@code files} partial files, {@code bytes} in all, that interrupted transfers left behind. */
    default void leftoversRemoved(int files, long bytes) {
    }
}
