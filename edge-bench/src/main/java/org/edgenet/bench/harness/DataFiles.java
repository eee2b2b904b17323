package org.edgenet.bench.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Input files, made once per size from a fixed seed and kept in a cache directory: the 100M-sample
 * file is about a gigabyte and takes seconds to write, so later scenarios and later runs reuse it.
 * A file is complete only once renamed into place, so an interrupted run never leaves a short one.
 */
public final class DataFiles {
    private static final long SEED = 20221030L;
    /** Samples are 0 to 999,999,999: about 9.9 bytes a line, so 100M samples make about 1 GB. */
    private static final int BOUND = 1_000_000_000;

    private final Path cache;

    public DataFiles(Path cache) {
        this.cache = cache;
    }

    /** What SCS must answer for a sample file; computed while writing it. */
    public record SampleStats(long count, BigInteger sum, long min, long max, long bytes) {
    }

    /** A sample file and its expected answers. */
    public record Samples(Path file, SampleStats stats) {
    }

    /** A file of {@code count} random integers, one per line (the EDG/UED format). */
    public synchronized Samples samples(long count) throws IOException {
        Files.createDirectories(cache);
        Path file = cache.resolve("samples-" + count + ".txt");
        Path statsFile = cache.resolve("samples-" + count + ".stats");
        if (Files.exists(file) && Files.exists(statsFile)) {
            SampleStats s = readStats(statsFile);
            if (s.bytes() == Files.size(file)) {
                return new Samples(file, s);
            }
        }
        Path tmp = cache.resolve("samples-" + count + ".tmp");
        SampleStats stats = writeSamples(tmp, count);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(statsFile, stats.count() + " " + stats.sum() + " " + stats.min() + " " + stats.max()
                + " " + stats.bytes());
        return new Samples(file, stats);
    }

    /** A file of {@code bytes} random bytes (the UVF input: any binary file). */
    public synchronized Path binary(long bytes) throws IOException {
        Files.createDirectories(cache);
        Path file = cache.resolve("binary-" + bytes + ".bin");
        if (Files.exists(file) && Files.size(file) == bytes) {
            return file;
        }
        Path tmp = cache.resolve("binary-" + bytes + ".tmp");
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(tmp)) {
            long left = bytes;
            while (left > 0) {
                for (int i = 0; i < buf.length; i += 8) {
                    long r = random.nextLong();
                    for (int k = 0; k < 8 && i + k < buf.length; k++) {
                        buf[i + k] = (byte) (r >>> (8 * k));
                    }
                }
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static SampleStats writeSamples(Path file, long count) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED ^ count);
        byte[] buf = new byte[1 << 20];
        int pos = 0;
        long bytes = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        // Sums of up to 2^33 values below 2^30 fit a long; BigInteger only at the end.
        long sum = 0;
        byte[] digits = new byte[12];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long i = 0; i < count; i++) {
                int v = random.nextInt(BOUND);
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                int d = digits.length;
                int x = v;
                do {
                    digits[--d] = (byte) ('0' + x % 10);
                    x /= 10;
                } while (x != 0);
                int len = digits.length - d;
                if (pos + len + 1 > buf.length) {
                    out.write(buf, 0, pos);
                    bytes += pos;
                    pos = 0;
                }
                System.arraycopy(digits, d, buf, pos, len);
                pos += len;
                buf[pos++] = '\n';
            }
            out.write(buf, 0, pos);
            bytes += pos;
        }
        return new SampleStats(count, BigInteger.valueOf(sum), count == 0 ? 0 : min, count == 0 ? 0 : max, bytes);
    }

    private static SampleStats readStats(Path file) throws IOException {
        List<String> f = List.of(Files.readString(file, StandardCharsets.UTF_8).trim().split(" "));
        return new SampleStats(Long.parseLong(f.get(0)), new BigInteger(f.get(1)), Long.parseLong(f.get(2)),
                Long.parseLong(f.get(3)), Long.parseLong(f.get(4)));
    }
}
