package org.edgenet.server.service;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Argon2id parameters of the server: those {@code edge-passwd} writes, and the bounds on those
 * a credentials file may ask for.
 *
 * <p>Written hashes use m = 7 MiB, t = 5, p = 1, the last of the equally strong settings OWASP
 * lists (19 MiB with t = 2, 12 MiB with t = 3, 9 MiB with t = 4, 7 MiB with t = 5); it is chosen
 * for its small memory. Password4j keeps a zeroed block of m for every parameter set it has seen
 * and copies it for each check, so with two checks at a time a server needs 3 × 7 = 21 MiB of its
 * heap, about a sixth of {@code -Xmx128m}, where 19 MiB would need 57. One check takes some 50 ms
 * of one core either way.
 *
 * <p>For the same reason a hash that asks for more than 19 MiB, and parameter sets whose blocks
 * would take more than 32 MiB together over the life of the process, are refused.
 */
public final class Argon2Hashes {
    public static final int MEMORY_KIB = 7 * 1024;
    public static final int ITERATIONS = 5;
    public static final int PARALLELISM = 1;
    public static final int HASH_BYTES = 32;
    public static final int SALT_BYTES = 16;

    static final int MAX_MEMORY_KIB = 19_456;
    static final int MAX_ITERATIONS = 16;
    static final int MAX_PARALLELISM = 4;
    static final int MAX_TOTAL_MEMORY_KIB = 32 * 1024;

    /** Version, memory, iterations and lanes; salt and hash in unpadded Base64 of sane lengths. */
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=(1[0-9])\\$m=([0-9]{1,9}),t=([0-9]{1,9}),p=([0-9]{1,9})"
                    + "\\$[A-Za-z0-9+/]{11,128}\\$([A-Za-z0-9+/]{22,128})");
    private static final Set<String> SEEN = new HashSet<>();
    private static int seenKib;

    private Argon2Hashes() {
    }

    /** The PHC string of {@code password} with the server's parameters and a fresh salt. */
    public static String hash(String password) {
        return hash(password, Argon2Function.getInstance(MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES, Argon2.ID));
    }

    static String hash(String password, Argon2Function function) {
        return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
    }

    /** The function that checks {@code phc}, or why that hash cannot be used. */
    static synchronized Argon2Function functionOf(String phc) throws InvalidSecretException {
        // Parsed here first: Password4j allocates the memory a hash names as soon as it reads it.
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            throw new InvalidSecretException("not a valid Argon2id hash");
        }
        long memory = Long.parseLong(m.group(2));
        long iterations = Long.parseLong(m.group(3));
        long parallelism = Long.parseLong(m.group(4));
        if (iterations < 1 || parallelism < 1 || memory < 8 * parallelism) {
            throw new InvalidSecretException("not a valid Argon2id hash");
        }
        if (memory > MAX_MEMORY_KIB || iterations > MAX_ITERATIONS || parallelism > MAX_PARALLELISM) {
            throw new InvalidSecretException("the hash asks for more than m=" + MAX_MEMORY_KIB + ", t="
                    + MAX_ITERATIONS + ", p=" + MAX_PARALLELISM);
        }
        String key = m.group(1) + "/" + memory + "/" + iterations + "/" + parallelism + "/" + m.group(5).length();
        if (!SEEN.contains(key) && seenKib + memory > MAX_TOTAL_MEMORY_KIB) {
            throw new InvalidSecretException("too many different Argon2 parameter sets; hash it again with"
                    + " edge-passwd");
        }
        Argon2Function f;
        try {
            f = Argon2Function.getInstanceFromHash(phc);
        } catch (RuntimeException e) {
            throw new InvalidSecretException("not a valid Argon2id hash");
        }
        if (SEEN.add(key)) {
            seenKib += (int) memory;
        }
        return f;
    }
}
