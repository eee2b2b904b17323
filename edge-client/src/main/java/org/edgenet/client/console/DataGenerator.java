package org.edgenet.client.console;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.random.RandomGenerator;

/**
 * EDG: writes random integers, one per line. The numbers stream through a buffered writer into a
 * temporary file beside the target, which then replaces the target in one step, so a reader never
 * sees half a file and a failed run leaves the old file as it was.
 */
final class DataGenerator {
    /** Samples are drawn from 0 (inclusive) to this bound (exclusive), like a sensor reading. */
    static final int SAMPLE_BOUND = 1000;

    private final RandomGenerator random;

    DataGenerator(RandomGenerator random) {
        this.random = random;
    }

    void write(Path target, long samples) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.US_ASCII)) {
                for (long i = 0; i < samples; i++) {
                    out.write(Integer.toString(random.nextInt(SAMPLE_BOUND)));
                    out.write('\n');
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
