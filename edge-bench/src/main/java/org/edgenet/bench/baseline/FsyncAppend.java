package org.edgenet.bench.baseline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor under every durable figure: how many records a second this disk takes when each is
 * appended to a file and forced to the disk before the next, as a store without group commit
 * would confirm them. No protocol, no threads: one file, one write and one force per record. Two
 * ways: a file that grows with every record, forced with its metadata ({@code fsync}), and a file
 * filled with zeros beforehand, whose records overwrite them and need only their data forced
 * ({@code fdatasync}), as the server's message journal does.
 */
public final class FsyncAppend {
    private FsyncAppend() {
    }

    /** One run's outcome. */
    public record Result(int records, double seconds) {
        public double perSecond() {
            return records / seconds;
        }
    }

    /**
     * Appends {@code records} records of {@code recordBytes} to {@code file}, forcing each; then
     * deletes it.
     *
     * @param preallocated fill the file with zeros first and force only the data of each record
     */
    public static Result run(Path file, int records, int recordBytes, boolean preallocated) throws IOException {
        ByteBuffer record = ByteBuffer.allocate(recordBytes);
        for (int i = 0; i < recordBytes; i++) {
            record.put((byte) ('a' + i % 26));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (preallocated) {
                ByteBuffer zeros = ByteBuffer.allocate(records * recordBytes);
                while (zeros.hasRemaining()) {
                    ch.write(zeros);
                }
                ch.force(true);
                ch.position(0);
            }
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                record.flip();
                while (record.hasRemaining()) {
                    ch.write(record);
                }
                record.limit(record.capacity());
                ch.force(!preallocated);
            }
            return new Result(records, (System.nanoTime() - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
