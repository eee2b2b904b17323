package org.edgenet.server;

import org.edgenet.common.cli.StartupException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * An exclusive claim on a directory whose files one server owns (device log, activity logs, data
 * files). A second server started in the same directory by mistake would otherwise clear the
 * first one's device log and delete its uploads in progress.
 *
 * <p>The claim is an operating-system lock on {@value #FILE_NAME} in the directory, so it goes away
 * with the process, also after {@code kill -9}; the file itself stays and holds the pid of the last
 * owner, which the refusal names. The file is never deleted: removing it while another process
 * opens it would let two servers lock two different files of the same name.
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = ".edgenet-server.lock";

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Claims {@code directory} (created if missing) for this process.
     *
     * @throws StartupException {@code Another EdgeNet server (pid N) is using this directory} when
     *                          another server holds it, or why the lock file cannot be used
     */
    public static DirectoryLock acquire(Path directory) throws StartupException {
        Path dir = directory.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Held by this very process: a second server started in the same JVM.
                channel.close();
                throw new StartupException(refusal(OptionalLong.of(ProcessHandle.current().pid()), dir), e);
            }
            if (lock == null) {
                OptionalLong owner = readPid(channel);
                channel.close();
                throw new StartupException(refusal(owner, dir), null);
            }
            writePid(channel);
            return new DirectoryLock(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("Cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    static String refusal(OptionalLong pid, Path dir) {
        String who = pid.isPresent() ? "Another EdgeNet server (pid " + pid.getAsLong() + ")" : "Another EdgeNet server";
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return who + " is using " + (dir.equals(cwd) ? "this directory" : "the directory " + dir);
    }

    private static OptionalLong readPid(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        channel.read(buf, 0);
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            // The owner has locked the file but not written its pid yet.
            return OptionalLong.empty();
        }
    }

    private static void writePid(FileChannel channel) throws IOException {
        ByteBuffer pid = ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        channel.truncate(0);
        while (pid.hasRemaining()) {
            channel.write(pid, pid.position());
        }
        channel.force(false);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was locked through it.
            }
        }
    }

    public Path directory() {
        return directory;
    }

    /** Releases the claim; the file stays for the next owner. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "lock on " + directory;
    }
}
