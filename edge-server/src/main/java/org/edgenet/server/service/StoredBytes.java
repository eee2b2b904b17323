package org.edgenet.server.service;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of the data files a {@link FileDataStore} holds, counted once when it opens and then
 * kept up to date by every upload put in place and every deletion, so that asking costs no walk
 * of the data directory. Summary sidecars and temp files do not count.
 */
final class StoredBytes {
    private final AtomicLong bytes = new AtomicLong();

    /** Adds the data files under {@code dataDir} (one directory per device) to the count; returns this. */
    StoredBytes count(Path dataDir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : devices) {
                try (DirectoryStream<Path> data = Files.newDirectoryStream(dir, StoredBytes::isDataFile)) {
                    for (Path file : data) {
                        total += Files.size(file);
                    }
                }
            }
        }
        bytes.addAndGet(total);
        return this;
    }

    private static boolean isDataFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".txt") && !name.startsWith(DurableFiles.TEMP_PREFIX) && Files.isRegularFile(file);
    }

    /** A file of {@code before} bytes (0 when there was none) now has {@code after} (0 when deleted). */
    void replaced(long before, long after) {
        bytes.addAndGet(after - before);
    }

    long get() {
        return bytes.get();
    }
}
