package org.edgenet.common.trace;

import org.edgenet.common.format.InvalidValueException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A TempID of contact tracing: exactly 20 ASCII decimal digits, leading zeros included. It names a
 * device only to the server, which issued it; other devices see it in beacons and keep it.
 *
 * @param value the 20 digits
 */
public record TempId(String value) {
    public static final int LENGTH = 20;

    /** @throws InvalidValueException when {@code value} is not 20 ASCII digits */
    public TempId {
        if (value == null || value.length() != LENGTH) {
            throw new InvalidValueException("a TempID is " + LENGTH + " digits");
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidValueException("a TempID is " + LENGTH + " decimal digits");
            }
        }
    }

    public static TempId of(String value) {
        return new TempId(value);
    }

    /** A fresh TempID, each digit drawn from {@code random}. */
    public static TempId random(SecureRandom random) {
        char[] digits = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            digits[i] = (char) ('0' + random.nextInt(10));
        }
        return new TempId(new String(digits));
    }

    /** The 20 digits as ASCII bytes, as beacons and contact logs carry them. */
    public byte[] bytes() {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return value;
    }
}
