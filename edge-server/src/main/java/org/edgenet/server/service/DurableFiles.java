package org.edgenet.server.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data store's steps on files, each made to survive a power loss on the {@link Disk}: what is
 * written is forced before it is moved into place, the directory after; a temp file is removed
 * when a step fails; and a step that fails for a full disk becomes the device's refusal
 * ({@link #failure}). Holds nothing but the disk, so every lane can use it at once.
 */
final class DurableFiles {
    private static final Logger log = LoggerFactory.getLogger(DurableFiles.class);

    /** Every temp file of the data store: {@code .upload-<what>-<random>.tmp}. */
    static final String TEMP_PREFIX = ".upload-";
    static final String TEMP_SUFFIX = ".tmp";

    private final Disk disk;

    DurableFiles(Disk disk) {
        this.disk = disk;
    }

    /**
     * What a failed step becomes: a full disk is the device's refusal, logged here once and
     * without a stack trace; anything else stays an unexpected failure.
     *
     * @param what the step, for the log, e.g. {@code store file 3 for supersmartwatch}
     */
    static RuntimeException failure(String what, IOException e) {
        if (OutOfSpace.causedBy(e)) {
            log.warn("Cannot {}: {}", what, OutOfSpace.MESSAGE);
            return OutOfSpace.error();
        }
        return new UncheckedIOException(e);
    }

    /** Creates {@code dir} if needed, and makes its name durable, as a file's must be. */
    void createDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            if (dir.getParent() != null) {
                disk.syncDirectory(dir.getParent());
            }
        }
    }

    /**
     * A new empty temp file in {@code dir}: beside the final name, so that putting it in place is
     * a rename within one file system.
     */
    Path createTemp(Path dir, String what) throws IOException {
        return Files.createTempFile(dir, TEMP_PREFIX + what + "-", TEMP_SUFFIX);
    }

    /** Writes the next bytes of {@code file}, open as {@code out}. */
    void write(Path file, FileChannel out, ByteBuffer bytes) throws IOException {
        disk.write(file, out, bytes);
    }

    /** Replaces {@code file} with {@code text}; on failure no temp file is left. */
    void replace(Path file, String text) throws IOException {
        Path temp = createTemp(file.getParent(), "stats");
        try {
            writeForced(temp, text);
            disk.move(temp, file);
        } catch (IOException | RuntimeException e) {
            removeQuietly(temp);
            throw e;
        }
        disk.syncDirectory(file.getParent());
    }

    /**
     * Moves the data written to {@code temp} over {@code target}, with {@code sidecarText} as its
     * sidecar. Data and sidecar are each forced before they are moved into place, and the directory
     * after: once this returns, a power loss keeps both. The old sidecar goes first and the new one
     * comes after the data, so a crash in between never leaves a sidecar beside data it was not
     * made for (sizes alone may well match). Closes {@code out}.
     */
    void putInPlace(Path temp, FileChannel out, Path target, Path sidecar, String sidecarText) throws IOException {
        disk.force(temp, out);
        out.close();
        Path sidecarTemp = createTemp(target.getParent(), "stats");
        try {
            writeForced(sidecarTemp, sidecarText);
            disk.delete(sidecar);
            disk.move(temp, target);
            disk.move(sidecarTemp, sidecar);
        } catch (IOException | RuntimeException e) {
            removeQuietly(sidecarTemp);
            throw e;
        }
        disk.syncDirectory(target.getParent());
    }

    /** Deletes {@code file} and its sidecar for good; false when there was no such file. */
    boolean delete(Path file, Path sidecar) throws IOException {
        if (!disk.delete(file)) {
            return false;
        }
        disk.delete(sidecar);
        disk.syncDirectory(file.getParent());
        return true;
    }

    /** Removes a temp file after a failure; a failure to do so is only worth a line in the log. */
    void removeQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            disk.delete(temp);
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot remove {}: {}", temp, e.toString());
        }
    }

    /** Writes {@code text} into the empty file {@code file} and forces it to the disk. */
    private void writeForced(Path file, String text) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            disk.write(file, out, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            disk.force(file, out);
        }
    }
}
