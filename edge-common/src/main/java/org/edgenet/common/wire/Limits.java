package org.edgenet.common.wire;

import java.time.Duration;

/**
 * Bounds a decoder enforces on what a peer sends.
 *
 * @param maxBody  largest body accepted, in bytes; checked before anything is allocated
 * @param frameGap longest silence allowed in the middle of a frame
 */
public record Limits(int maxBody, Duration frameGap) {
    /** What the server accepts from a device: commands and upload chunks. */
    public static final Limits SERVER = new Limits(WireFormat.UPLOAD_CHUNK_SIZE + 1024, Duration.ofSeconds(1));
    /** What a device accepts from the server: the device list grows with the network. */
    public static final Limits CLIENT = new Limits(64 * 1024 * 1024, Duration.ofSeconds(10));

    public Limits {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must not be negative: " + maxBody);
        }
        if (frameGap.isNegative() || frameGap.isZero()) {
            throw new IllegalArgumentException("frameGap must be positive: " + frameGap);
        }
    }
}
