package org.edgenet.client.net;

/** Told how far a download (DLD) has got, on the thread that writes it to the disk. */
@FunctionalInterface
public interface DownloadProgress {
    DownloadProgress NONE = (written, size) -> { };

    /** {@code written} of {@code size} bytes are in the temp file. */
    void written(long written, long size);
}
