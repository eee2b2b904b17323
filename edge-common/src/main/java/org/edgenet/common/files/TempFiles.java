package org.edgenet.common.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary files beside a final one, to be moved into place when complete. Unlike
 * {@link Files#createTempFile}, which makes the file readable by its owner only, these get the
 * permissions the user's umask gives every other file, so what is moved into place looks like any
 * file the user made.
 */
public final class TempFiles {
    private static final int ATTEMPTS = 100;

    private TempFiles() {
    }

    /** Creates a new empty file {@code <prefix><random><suffix>} in {@code dir}. */
    public static Path create(Path dir, String prefix, String suffix) throws IOException {
        for (int i = 0; ; i++) {
            Path candidate = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + suffix);
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                if (i == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
