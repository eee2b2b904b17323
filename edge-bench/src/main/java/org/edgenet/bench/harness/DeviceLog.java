package org.edgenet.bench.harness;

import org.edgenet.common.format.Timestamps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the server's {@code edge-device-log.txt} ({@code seq; timestamp; name; ip; udpPort}) and
 * checks it against the devices the bench knows are active (R-LOG-1..3).
 */
public final class DeviceLog {
    public static final String FILE = "edge-device-log.txt";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern(Timestamps.PATTERN, Locale.ENGLISH);

    private DeviceLog() {
    }

    /** One line of the log. */
    public record Entry(int seq, String timestamp, String name, String ip, int udpPort) {
    }

    /** The file's entries; a missing file is an empty registry. Throws on a malformed line. */
    public static List<Entry> read(Path dir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("; ", -1);
            if (f.length != 5) {
                throw new IOException("malformed line: " + line);
            }
            try {
                TIMESTAMP.parse(f[1]);
                entries.add(new Entry(Integer.parseInt(f[0]), f[1], f[2], f[3], Integer.parseInt(f[4])));
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IOException("malformed line: " + line);
            }
        }
        return entries;
    }

    /**
     * Checks that the log lists exactly {@code active} (name to registered UDP port), numbered 1..n,
     * and, when {@code order} is given, in that relative order. Empty when all is well, else what is wrong.
     */
    public static Optional<String> check(Path dir, Map<String, Integer> active, List<String> order) {
        List<Entry> entries;
        try {
            entries = read(dir);
        } catch (IOException e) {
            return Optional.of(FILE + ": " + e.getMessage());
        }
        if (entries.size() != active.size()) {
            return Optional.of(FILE + " has " + entries.size() + " lines, " + active.size() + " devices are active");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.seq() != i + 1) {
                return Optional.of(FILE + " line " + (i + 1) + " has sequence number " + e.seq());
            }
            Integer port = active.get(e.name());
            if (port == null || !seen.add(e.name())) {
                return Optional.of(FILE + " lists " + e.name() + ", which is not active or listed twice");
            }
            if (port != e.udpPort()) {
                return Optional.of(FILE + " gives " + e.name() + " UDP port " + e.udpPort() + ", registered " + port);
            }
        }
        if (order != null) {
            List<String> expected = order.stream().filter(active::containsKey).toList();
            List<String> actual = entries.stream().map(Entry::name).toList();
            if (!expected.equals(actual)) {
                return Optional.of(FILE + " no longer lists the remaining devices in their join order");
            }
        }
        return Optional.empty();
    }

    /** Polls {@code check} until it passes or {@code millis} pass; the server may write behind. */
    public static Optional<String> await(Supplier<Optional<String>> check, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        Optional<String> last = check.get();
        while (last.isPresent() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            last = check.get();
        }
        return last;
    }
}
