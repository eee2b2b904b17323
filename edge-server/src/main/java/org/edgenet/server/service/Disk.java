package org.edgenet.server.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The file-system steps whose order decides what survives a power loss. The stores make every
 * such step through this seam, so a test can record the order they come in and make any of them
 * fail as a full disk would. A file is made durable in the order
 * {@code write → force → move → syncDirectory}: its bytes reach the disk before the name that
 * points at them, and the name before anyone is told.
 */
public interface Disk {
    /** Writes all of {@code bytes} to {@code channel}, an open channel on {@code file}. */
    void write(Path file, FileChannel channel, ByteBuffer bytes) throws IOException;

    /** Waits until everything written to {@code channel} (on {@code file}) is on the disk. */
    void force(Path file, FileChannel channel) throws IOException;

    /**
     * Waits until the bytes written to {@code channel} are on the disk, but not necessarily the
     * file's metadata: enough for a file whose size and blocks are already on the disk (written
     * ahead with zeros and forced), where it saves the file system's journal commit.
     */
    default void forceData(Path file, FileChannel channel) throws IOException {
        force(file, channel);
    }

    /** Renames {@code source} over {@code target} in one step: a reader sees one or the other. */
    void move(Path source, Path target) throws IOException;

    /** Removes {@code file}; false when it was not there. */
    boolean delete(Path file) throws IOException;

    /** Waits until the names created, renamed and removed in {@code dir} are on the disk. */
    void syncDirectory(Path dir) throws IOException;

    /** The real file system, with every force and directory sync done. */
    static Disk synced() {
        return SyncedDisk.INSTANCE;
    }
}
