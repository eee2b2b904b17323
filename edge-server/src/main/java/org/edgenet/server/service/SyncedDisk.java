package org.edgenet.server.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** {@link Disk} on the real file system. */
final class SyncedDisk implements Disk {
    static final SyncedDisk INSTANCE = new SyncedDisk();

    private SyncedDisk() {
    }

    @Override
    public void write(Path file, FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void force(Path file, FileChannel channel) throws IOException {
        channel.force(true);
    }

    @Override
    public void forceData(Path file, FileChannel channel) throws IOException {
        channel.force(false);
    }

    @Override
    public void move(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public boolean delete(Path file) throws IOException {
        return Files.deleteIfExists(file);
    }

    /**
     * On Linux and macOS a directory opened for reading can be forced, which is how a rename is
     * made durable. Windows cannot open a directory at all; there NTFS journals the rename itself,
     * so nothing is lost by skipping it. A failure of the force itself is real and is reported.
     */
    @Override
    public void syncDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }
}
