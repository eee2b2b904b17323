package org.edgenet.server.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file that is only ever replaced whole, so a reader never sees half of it: the new text goes to
 * a temp file beside it, which is moved over the file. A durable one also forces the temp file
 * before the move and the directory after it, so the new text survives a power loss.
 */
public final class AtomicFile {
    private final Path file;
    private final Path temp;
    private final Disk disk;
    private final boolean durable;

    public AtomicFile(Path file, Disk disk, boolean durable) {
        this.file = file.toAbsolutePath();
        this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
        this.disk = disk;
        this.durable = durable;
    }

    public Path path() {
        return file;
    }

    /** The bytes of a new file, handed over in pieces. */
    @FunctionalInterface
    interface Content {
        void writeTo(Pieces out) throws IOException;
    }

    /** Takes the pieces of a new file in order; each is written whole before the call returns, so it may be refilled. */
    @FunctionalInterface
    interface Pieces {
        void write(ByteBuffer piece) throws IOException;
    }

    /**
     * Replaces the file with {@code text} in UTF-8 (durably, if this file is). A failure before the move removes the
     * temp file and leaves the file as it was; one after it (the directory sync) leaves the new
     * file, not yet durable.
     */
    public void replace(CharSequence text) throws IOException {
        replace(out -> out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * As {@link #replace(CharSequence)}, with the bytes written piece by piece: a large file then
     * needs no array as large as itself.
     */
    void replace(Content content) throws IOException {
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(piece -> disk.write(temp, out, piece));
                if (durable) {
                    disk.force(temp, out);
                }
            }
            disk.move(temp, file);
        } catch (IOException | RuntimeException e) {
            try {
                disk.delete(temp);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        if (durable) {
            disk.syncDirectory(file.getParent());
        }
    }
}
