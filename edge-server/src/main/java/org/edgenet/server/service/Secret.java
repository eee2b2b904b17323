package org.edgenet.server.service;

import com.password4j.Argon2Function;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * What a credentials line holds after the name: a password in plain text, or an Argon2id hash in
 * the PHC string format ({@code $argon2id$v=19$m=7168,t=5,p=1$salt$hash}). Checking a hash is slow
 * on purpose (some 50 ms of one core) and must not run on an event loop.
 */
public sealed interface Secret permits Secret.Plain, Secret.Hashed {
    /** How a hash announces itself; any other text is a plain password, as the specification has it. */
    String ARGON2ID_PREFIX = "$argon2id$";

    /** True when {@code password} is the one this secret stands for. */
    boolean matches(String password);

    /** True when {@link #matches} is slow and belongs off the event loop. */
    boolean slow();

    /** A plain password, compared in constant time. */
    record Plain(byte[] utf8) implements Secret {
        @Override
        public boolean matches(String password) {
            // Response time says nothing about how much of a guess was right.
            return password != null && MessageDigest.isEqual(utf8, password.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public boolean slow() {
            return false;
        }

        @Override
        public String toString() {
            return "Plain[…]";
        }
    }

    /** An Argon2id hash with the parameters it names. */
    record Hashed(String phc, Argon2Function function) implements Secret {
        @Override
        public boolean matches(String password) {
            return password != null && function.check(password, phc);
        }

        @Override
        public boolean slow() {
            return true;
        }

        @Override
        public String toString() {
            return "Hashed[" + function.getMemory() + " KiB, t=" + function.getIterations() + "]";
        }
    }

    /** Parses a secret; a hash that cannot be used is refused with the reason, never with its text. */
    static Secret parse(String text) throws InvalidSecretException {
        if (!text.startsWith(ARGON2ID_PREFIX)) {
            return new Plain(text.getBytes(StandardCharsets.UTF_8));
        }
        return new Hashed(text, Argon2Hashes.functionOf(text));
    }

    /**
     * A hash that no password matches, with the parameters of {@code like}: checking a name that
     * is not in the file against it costs what checking a known one costs.
     */
    static Hashed decoy(Hashed like) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        return new Hashed(Argon2Hashes.hash(password, like.function()), like.function());
    }
}
