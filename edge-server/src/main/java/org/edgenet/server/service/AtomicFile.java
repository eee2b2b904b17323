package org.edgenet.server.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file that is only ever replaced whole, so a reader never sees half of it: the new text goes to
 * a temp file beside it, which is forced, moved over the file, and the directory forced.
 */
final class AtomicFile {
    private final Path file;
    private final Path temp;
    private final Disk disk;

    AtomicFile(Path file, Disk disk) {
        this.file = file.toAbsolutePath();
        this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
        this.disk = disk;
    }

    Path path() {
        return file;
    }

    /**
     * Replaces the file durably with {@code text} in UTF-8. A failure before the move removes the
     * temp file and leaves the file as it was; one after it (the directory sync) leaves the new
     * file, not yet durable.
     */
    void replace(CharSequence text) throws IOException {
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                disk.write(temp, out, ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                disk.force(temp, out);
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
        disk.syncDirectory(file.getParent());
    }
}
