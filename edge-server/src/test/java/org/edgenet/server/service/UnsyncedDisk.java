package org.edgenet.server.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The real file system without forces and directory syncs: what every process sees is the same,
 * only a power loss would tell. For tests of many writes whose subject is not durability, which
 * would otherwise spend seconds waiting for the disk.
 */
public final class UnsyncedDisk implements Disk {
    private final Disk real = Disk.synced();

    @Override
    public void write(Path file, FileChannel channel, ByteBuffer bytes) throws IOException {
        real.write(file, channel, bytes);
    }

    @Override
    public void force(Path file, FileChannel channel) {
    }

    @Override
    public void move(Path source, Path target) throws IOException {
        real.move(source, target);
    }

    @Override
    public boolean delete(Path file) throws IOException {
        return real.delete(file);
    }

    @Override
    public void syncDirectory(Path dir) {
    }
}
