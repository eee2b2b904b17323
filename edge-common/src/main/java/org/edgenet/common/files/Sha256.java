package org.edgenet.common.files;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The SHA-256 that checks a file's content end to end, in DLD and UVF alike. */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest; every Java platform has SHA-256, so none is ever missing. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
