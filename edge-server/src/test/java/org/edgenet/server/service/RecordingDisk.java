package org.edgenet.server.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The real file system, with every step written down as a line such as
 * {@code move data/d/.upload-1-*.tmp -> data/d/d-1.txt} (paths relative to a root, the random part
 * of temp names as {@code *}), and a disk that can be "filled": the steps chosen then fail as a
 * full disk fails them. A write that fails writes half its bytes first, as a disk that fills up
 * in the middle of it would.
 */
public final class RecordingDisk implements Disk {
    /** Exactly what Linux reports for ENOSPC. */
    public static final String NO_SPACE = "No space left on device";

    private final Disk real = Disk.synced();
    private final Path root;
    private final List<String> steps = new ArrayList<>();
    private Predicate<String> failing = step -> false;

    public RecordingDisk(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** Every step since the last {@link #clear()}, in order. */
    public synchronized List<String> steps() {
        return List.copyOf(steps);
    }

    public synchronized void clear() {
        steps.clear();
    }

    /** Writes a line of the test's own among the steps, e.g. when a future completes. */
    public synchronized void note(String what) {
        steps.add("(" + what + ")");
    }

    /** From now on every write fails: the disk is full. Removing files still works. */
    public void fill() {
        failWhen(step -> step.startsWith("write "));
    }

    /** From now on the steps {@code which} selects fail as on a full disk. */
    public synchronized void failWhen(Predicate<String> which) {
        failing = which;
    }

    /** Space is back: nothing fails any more. */
    public synchronized void free() {
        failing = step -> false;
    }

    private void step(String step) throws IOException {
        boolean fail;
        synchronized (this) {
            steps.add(step);
            fail = failing.test(step);
        }
        if (fail) {
            throw new IOException(NO_SPACE);
        }
    }

    private String name(Path p) {
        String rel = root.relativize(p.toAbsolutePath()).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel.replaceAll("(\\.upload-(?:\\d+-|stats-))\\d+(\\.tmp)$", "$1*$2");
    }

    @Override
    public void write(Path file, FileChannel channel, ByteBuffer bytes) throws IOException {
        try {
            step("write " + name(file));
        } catch (IOException e) {
            ByteBuffer half = bytes.duplicate();
            half.limit(half.position() + half.remaining() / 2);
            real.write(file, channel, half);
            throw e;
        }
        real.write(file, channel, bytes);
    }

    @Override
    public void force(Path file, FileChannel channel) throws IOException {
        step("force " + name(file));
        real.force(file, channel);
    }

    @Override
    public void move(Path source, Path target) throws IOException {
        step("move " + name(source) + " -> " + name(target));
        real.move(source, target);
    }

    @Override
    public boolean delete(Path file) throws IOException {
        step("delete " + name(file));
        return real.delete(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        step("sync " + name(dir));
        real.syncDirectory(dir);
    }
}
