package org.edgenet.server;

import org.edgenet.common.cli.StartupException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The data directory of the members of one cluster, which they all use at once (on storage they
 * share). {@value #MARKER} in it names the cluster, written by the first member that uses it: a
 * member of another cluster, or a server alone, is refused the directory, since neither would take
 * the cluster's per-device locks before touching a device's files.
 *
 * <p>Members hold a shared operating-system lock on the file of {@link DirectoryLock}, and a server
 * alone its exclusive one, so neither starts while the other runs there. The operating system keeps
 * one lock per process and file, so the members started in one JVM (tests) share one.
 */
public final class SharedDataDirectory implements AutoCloseable {
    public static final String MARKER = ".edgenet-cluster";

    /** The shared locks this process holds, with how many members hold each. */
    private static final Map<Path, Held> HELD = new HashMap<>();

    private final Path dir;
    private boolean closed;

    private SharedDataDirectory(Path dir) {
        this.dir = dir;
    }

    private record Held(FileChannel channel, FileLock lock, int users) {
    }

    /**
     * Claims {@code dataDir} (created if missing) for a member of {@code clusterName}.
     *
     * @throws StartupException one line when the directory belongs to another cluster or a server
     *                          alone uses it
     */
    public static SharedDataDirectory claim(Path dataDir, String clusterName) throws StartupException {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            lockShared(dir);
        } catch (IOException e) {
            throw new StartupException("Cannot use data directory " + dir + ": " + e.getMessage(), e);
        }
        try {
            String owner = markOrRead(dir, clusterName);
            if (!owner.equals(clusterName)) {
                throw new StartupException("The data directory " + dir + " belongs to cluster " + owner
                        + ", not to cluster " + clusterName, null);
            }
            return new SharedDataDirectory(dir);
        } catch (IOException | StartupException e) {
            release(dir);
            if (e instanceof StartupException s) {
                throw s;
            }
            throw new StartupException("Cannot use data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * For a server alone, which holds the directory's exclusive lock already.
     *
     * @throws StartupException one line when members of a cluster use the directory
     */
    public static void refuseIfShared(Path dataDir) throws StartupException {
        Path dir = dataDir.toAbsolutePath().normalize();
        String owner;
        try {
            owner = Files.readString(dir.resolve(MARKER), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new StartupException("Cannot read " + dir.resolve(MARKER) + ": " + e.getMessage(), e);
        }
        throw new StartupException("The data directory " + dir + " belongs to cluster " + owner
                + ": start this server with the cluster's settings, or remove " + MARKER
                + " there once no member of it runs", null);
    }

    private static synchronized void lockShared(Path dir) throws IOException, StartupException {
        Held held = HELD.get(dir);
        if (held != null) {
            HELD.put(dir, new Held(held.channel(), held.lock(), held.users() + 1));
            return;
        }
        FileChannel channel = FileChannel.open(dir.resolve(DirectoryLock.FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
            // A server alone in this very JVM holds it.
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new StartupException("A server that is not of this cluster is using the data directory " + dir,
                    null);
        }
        HELD.put(dir, new Held(channel, lock, 1));
    }

    private static synchronized void release(Path dir) {
        Held held = HELD.get(dir);
        if (held == null) {
            return;
        }
        if (held.users() > 1) {
            HELD.put(dir, new Held(held.channel(), held.lock(), held.users() - 1));
            return;
        }
        HELD.remove(dir);
        try {
            held.channel().close();
        } catch (IOException ignored) {
            // Closing the channel releases the lock all the same.
        }
    }

    /**
     * The cluster named in the marker, written first if there is none. The marker appears whole or
     * not at all: it is written aside and linked into place, which fails if another member was first.
     */
    private static String markOrRead(Path dir, String clusterName) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker)) {
            Path temp = Files.createTempFile(dir, MARKER, ".tmp");
            try {
                Files.writeString(temp, clusterName + "\n", StandardCharsets.US_ASCII);
                try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
                Files.createLink(marker, temp);
            } catch (FileAlreadyExistsException e) {
                // Another member was first: its cluster is the one that counts.
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return Files.readString(marker, StandardCharsets.US_ASCII).strip();
    }

    /** Releases this member's share of the lock; the marker stays for the cluster's next start. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release(dir);
        }
    }

    @Override
    public String toString() {
        return "shared data directory " + dir;
    }
}
