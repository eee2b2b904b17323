package org.edgenet.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many files this process may open. Every device the load generator plays holds one socket, and
 * so does the server for it, so the largest join size must fit under this limit with room to spare.
 */
public final class Descriptors {
    /** Descriptors kept free for jars, logs, selectors and the odd file. */
    public static final int RESERVE = 300;

    private Descriptors() {
    }

    /** The soft limit on open files ({@code ulimit -n}), or -1 when it cannot be read. */
    public static long limit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** True when {@code devices} sockets fit under the limit with the reserve, or the limit is unknown. */
    public static boolean fits(int devices) {
        long limit = limit();
        return limit < 0 || devices + RESERVE <= limit;
    }
}
