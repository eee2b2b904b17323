package org.edgenet.common.p2p;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The keys of one transfer, derived from its ticket's key and its transfer id with HKDF-SHA256
 * (RFC 5869): one AES-256 key and one 12-byte IV per direction,
 * <pre>
 *   PRK = HMAC-SHA256(salt = "edgenet uvf 2", ticket key)
 *   key || IV = HKDF-Expand(PRK, info = direction label || transfer id (u64), 44 bytes)
 * </pre>
 * with the labels {@code "to audience"} and {@code "to presenter"}. A datagram of another transfer,
 * another ticket or the other direction therefore never opens.
 */
public final class TransferKeys {
    private static final byte[] SALT = "edgenet uvf 2".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_LENGTH = 32;
    private static final int IV_LENGTH = 12;

    private final byte[] toAudienceKey;
    private final byte[] toAudienceIv;
    private final byte[] toPresenterKey;
    private final byte[] toPresenterIv;

    private TransferKeys(byte[] toAudience, byte[] toPresenter) {
        this.toAudienceKey = Arrays.copyOf(toAudience, KEY_LENGTH);
        this.toAudienceIv = Arrays.copyOfRange(toAudience, KEY_LENGTH, KEY_LENGTH + IV_LENGTH);
        this.toPresenterKey = Arrays.copyOf(toPresenter, KEY_LENGTH);
        this.toPresenterIv = Arrays.copyOfRange(toPresenter, KEY_LENGTH, KEY_LENGTH + IV_LENGTH);
    }

    public static TransferKeys derive(byte[] ticketKey, long transferId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SALT, "HmacSHA256"));
            byte[] prk = mac.doFinal(ticketKey);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            return new TransferKeys(expand(mac, "to audience", transferId), expand(mac, "to presenter", transferId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HMAC-SHA256", e);
        }
    }

    /** HKDF-Expand to 64 bytes (two blocks; the first 44 are used). */
    private static byte[] expand(Mac prk, String label, long transferId) {
        byte[] info = ByteBuffer.allocate(label.length() + 8)
                .put(label.getBytes(StandardCharsets.US_ASCII)).putLong(transferId).array();
        prk.update(info);
        prk.update((byte) 1);
        byte[] t1 = prk.doFinal();
        prk.update(t1);
        prk.update(info);
        prk.update((byte) 2);
        byte[] t2 = prk.doFinal();
        byte[] out = Arrays.copyOf(t1, 64);
        System.arraycopy(t2, 0, out, 32, 32);
        return out;
    }

    /** A seal for datagrams from the presenter to the audience; one per thread that uses it. */
    public DatagramSeal toAudience() {
        return new DatagramSeal(toAudienceKey, toAudienceIv);
    }

    /** A seal for datagrams from the audience to the presenter; one per thread that uses it. */
    public DatagramSeal toPresenter() {
        return new DatagramSeal(toPresenterKey, toPresenterIv);
    }
}
