package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The whole file has been sent: the SHA-256 of its bytes, computed as the server read them, for the
 * device to check what it wrote. Body: digest (32 bytes).
 */
public record DownloadEnd(byte[] sha256) implements Message {
    public static final int DIGEST_LENGTH = 32;

    public DownloadEnd {
        if (sha256.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException("a SHA-256 is " + DIGEST_LENGTH + " bytes, not " + sha256.length);
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    public MessageType type() {
        return MessageType.DOWNLOAD_END;
    }

    public void writeBody(ByteBuf out) {
        out.writeBytes(sha256);
    }

    static DownloadEnd read(ByteBuf in) {
        BodyFields.need(in, DIGEST_LENGTH, "sha256");
        byte[] digest = new byte[DIGEST_LENGTH];
        in.readBytes(digest);
        return new DownloadEnd(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DownloadEnd e && Arrays.equals(e.sha256, sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "DownloadEnd[" + HexFormat.of().formatHex(sha256) + "]";
    }
}
