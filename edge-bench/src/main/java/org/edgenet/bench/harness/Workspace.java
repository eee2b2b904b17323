package org.edgenet.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A fresh directory for one server run: its credentials.txt with generated devices, its logs and
 * data files. Deleted afterwards unless asked to keep it for a post-mortem.
 */
public final class Workspace implements AutoCloseable {
    private final Path dir;
    private final List<String> devices;
    private final boolean keep;

    private Workspace(Path dir, List<String> devices, boolean keep) {
        this.dir = dir;
        this.devices = devices;
        this.keep = keep;
    }

    /** Creates {@code parent/<name>-N} with a credentials file for {@code deviceCount} devices. */
    public static Workspace create(Path parent, String name, int deviceCount, boolean keep) throws IOException {
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, name + "-");
        List<String> devices = new ArrayList<>(deviceCount);
        StringBuilder creds = new StringBuilder(deviceCount * 20);
        for (int i = 1; i <= deviceCount; i++) {
            String device = deviceName(i);
            devices.add(device);
            creds.append(device).append(' ').append(password(device)).append('\n');
        }
        Files.writeString(dir.resolve("credentials.txt"), creds);
        return new Workspace(dir, List.copyOf(devices), keep);
    }

    /** {@code dev00001}, {@code dev00002}, …: sorts in join order, safe as a file name. */
    public static String deviceName(int i) {
        return String.format(Locale.ROOT, "dev%05d", i);
    }

    /** Each device's password differs, so a mix-up shows as a failed login. */
    public static String password(String device) {
        return "pw-" + device.substring(3) + "#";
    }

    public Path dir() {
        return dir;
    }

    public List<String> devices() {
        return devices;
    }

    @Override
    public void close() {
        if (keep) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
