package org.edgenet.server.net;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A short reference to text that must not appear in a log, such as a device name that may be a
 * password typed in the wrong field: the same text gives the same reference while the server runs,
 * so lines can be matched, but the reference cannot be turned back into the text. It is a keyed
 * hash (HMAC-SHA256) under a random key made at start, so no dictionary of precomputed hashes helps.
 */
final class LogRef {
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecretKeySpec KEY;

    static {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        KEY = new SecretKeySpec(key, ALGORITHM);
    }

    private LogRef() {
    }

    /** The first 8 hex digits of the keyed hash of {@code text}, e.g. {@code 3f2a9c1b}. */
    static String of(String text) {
        try {
            // A Mac is not thread-safe; one per call is cheap next to the log line it goes into.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(KEY);
            byte[] hash = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (GeneralSecurityException e) {
            // Every Java runtime must provide HmacSHA256.
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }
}
