package org.edgenet.common.p2p;

import java.util.Arrays;

/**
 * Presenter to audience: every DATA has been sent (not necessarily received); this is the whole
 * file's SHA-256. Sent until DONE or REJECT answers it.
 *
 * <pre>
 *  12             16
 *  +--------------+---------------------------+
 *  | count (u32)  | SHA-256 of the file (32 B)|
 *  +--------------+---------------------------+
 * </pre>
 *
 * @param count the number of DATA datagrams of the transfer
 */
public record Fin(long transferId, int count, byte[] sha256) implements UvfDatagram {
    public Fin {
        if (sha256.length != UvfFormat.DIGEST_LENGTH) {
            throw new IllegalArgumentException("SHA-256 is 32 bytes, not " + sha256.length);
        }
    }

    @Override
    public DatagramType type() {
        return DatagramType.FIN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fin f && f.transferId == transferId && f.count == count && Arrays.equals(f.sha256, sha256);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(transferId) * 31 + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "Fin[" + Long.toHexString(transferId) + ", " + count + " datagrams]";
    }
}
