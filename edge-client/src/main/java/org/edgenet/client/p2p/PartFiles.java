package org.edgenet.client.p2p;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The temp files of incoming transfers in the device's directory: {@code .uvf-<random>.part} for
 * UVF, {@code .dld-<random>.part} for a download from the server (DLD). A
 * live transfer holds an OS lock on its file for as long as the file exists, so a file of that name
 * that nobody locks was left by a transfer that ended without cleaning up (the process was killed,
 * the machine lost power) and can go. Another device's live transfer in the same directory keeps its
 * file: its process holds the lock. Within this JVM, live files are also listed, because closing
 * any channel of a file would release this process's lock on it.
 */
public final class PartFiles {
    static final String PREFIX = ".uvf-";
    static final String DOWNLOAD_PREFIX = ".dld-";
    static final String SUFFIX = ".part";
    /** Both kinds: a sweep removes what either left. */
    private static final String LEFTOVERS = ".{uvf,dld}-*" + SUFFIX;
    private static final int ATTEMPTS = 100;
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    /** What a sweep removed. */
    record Removed(int files, long bytes) {
    }

    /** A new temp file, open for reading and writing, locked and listed as live until {@link #release}. */
    public record Owned(Path path, FileChannel channel) {
    }

    private PartFiles() {
    }

    /** Creates, opens and locks a new temp file for UVF in {@code dir}. */
    static Owned create(Path dir) throws IOException {
        return create(dir, PREFIX);
    }

    /** Creates, opens and locks a new temp file for a download (DLD) in {@code dir}. */
    public static Owned createForDownload(Path dir) throws IOException {
        return create(dir, DOWNLOAD_PREFIX);
    }

    private static Owned create(Path dir, String prefix) throws IOException {
        for (int i = 0; ; i++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + SUFFIX)
                    .toAbsolutePath().normalize();
            // Listed before it exists, so that no sweep of this JVM ever opens it.
            if (!LIVE.add(p)) {
                continue;
            }
            try {
                Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                LIVE.remove(p);
                if (i == ATTEMPTS) {
                    throw e;
                }
                continue;
            } catch (IOException e) {
                LIVE.remove(p);
                throw e;
            }
            FileChannel ch = null;
            try {
                ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.READ);
                ch.lock();
                return new Owned(p, ch);
            } catch (IOException e) {
                if (ch != null) {
                    ch.close();
                }
                Files.deleteIfExists(p);
                LIVE.remove(p);
                throw e;
            }
        }
    }

    /** The file was renamed or deleted: it is no longer a temp file of this JVM. */
    public static void release(Path p) {
        LIVE.remove(p);
    }

    /**
     * Deletes every temp file of {@code dir} that no live transfer owns. Blocks on the disk: never
     * on an event loop.
     */
    static Removed removeLeftovers(Path dir) {
        int files = 0;
        long bytes = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, LEFTOVERS)) {
            for (Path p : all) {
                Path abs = p.toAbsolutePath().normalize();
                if (LIVE.contains(abs) || !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long size = deleteUnlocked(abs);
                if (size >= 0) {
                    files++;
                    bytes += size;
                }
            }
        } catch (IOException e) {
            // An unreadable directory has nothing this device can remove either.
        }
        return new Removed(files, bytes);
    }

    /** Deletes {@code p} if no process holds its lock; its size then, or -1 when it stays. */
    private static long deleteUnlocked(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return -1;
            }
            long size = ch.size();
            Files.delete(p);
            return size;
        } catch (OverlappingFileLockException | IOException e) {
            return -1;
        }
    }
}
