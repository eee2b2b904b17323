package org.edgenet.client.trace;

import org.edgenet.common.files.TempFiles;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.trace.TempId;
import org.edgenet.common.trace.TempIdWindow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device's contact log, {@code <device>_contactlog.txt}: one line per TempID met within the
 * retention, {@code tempID dd/MM/yyyy HH:mm:ss dd/MM/yyyy HH:mm:ss} (TempID, start, expiry).
 *
 * <p>A beacon whose TempID is already in the log renews its entry rather than adding a line: the
 * log says whom the device met, and the retention counts from when it last heard them. When an
 * entry was last heard is kept in memory only; entries read back from the file at start count from
 * the file's last change, so none is dropped before its time. {@link #purge} rewrites the file
 * through a temp file and an atomic rename, so a reader never sees half of it.
 *
 * <p>Not thread-safe: one thread owns the log and its file (the device's tracing thread). Time is
 * passed in, so tests decide it.
 */
public final class ContactLog {
    /** Entries held at most; beacons of further TempIDs are not kept until old ones expire. */
    public static final int MAX_ENTRIES = 10_000;

    /** What became of a beacon handed to {@link #add}. */
    public enum Added { NEW, RENEWED, FULL }

    private final Path file;
    private final Duration retention;
    /** TempID to entry, oldest first. */
    private final Map<TempId, Entry> entries = new LinkedHashMap<>();

    private record Entry(TempIdWindow window, Instant heard) {
    }

    private ContactLog(Path file, Duration retention) {
        this.file = file;
        this.retention = retention;
    }

    /**
     * Opens the log at {@code file}, reading the entries already there; lines that are not entries
     * are dropped at the next rewrite.
     */
    public static ContactLog open(Path file, Duration retention) throws IOException {
        ContactLog log = new ContactLog(file, retention);
        if (Files.exists(file)) {
            Instant changed = Files.getLastModifiedTime(file).toInstant();
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                try {
                    TempIdWindow w = TempIdWindow.parseLine(line);
                    log.entries.putIfAbsent(w.id(), new Entry(w, changed));
                } catch (InvalidValueException e) {
                    // Not an entry: nothing to trace with, so it is not kept.
                }
            }
        }
        return log;
    }

    public Path file() {
        return file;
    }

    /** Keeps {@code window}, heard at {@code now}: appended as a line when its TempID is new. */
    public Added add(TempIdWindow window, Instant now) throws IOException {
        Entry old = entries.get(window.id());
        if (old != null) {
            entries.put(window.id(), new Entry(old.window(), now));
            return Added.RENEWED;
        }
        if (entries.size() >= MAX_ENTRIES) {
            return Added.FULL;
        }
        Files.writeString(file, window.toLine() + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        entries.put(window.id(), new Entry(window, now));
        return Added.NEW;
    }

    /**
     * Drops the entries last heard {@code retention} or more before {@code now} and rewrites the
     * file without them; returns how many went.
     */
    public int purge(Instant now) throws IOException {
        Instant cutoff = now.minus(retention);
        List<TempId> old = new ArrayList<>();
        entries.forEach((id, e) -> {
            if (!e.heard().isAfter(cutoff)) {
                old.add(id);
            }
        });
        if (old.isEmpty()) {
            return 0;
        }
        Map<TempId, Entry> before = new LinkedHashMap<>(entries);
        old.forEach(entries::remove);
        try {
            rewrite();
        } catch (IOException e) {
            entries.clear();
            entries.putAll(before);
            throw e;
        }
        return old.size();
    }

    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries.values()) {
            text.append(e.window().toLine()).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Path temp = TempFiles.create(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** The entries now, oldest first, as they are uploaded. */
    public List<TempIdWindow> entries() {
        List<TempIdWindow> list = new ArrayList<>(entries.size());
        entries.values().forEach(e -> list.add(e.window()));
        return list;
    }

    public int size() {
        return entries.size();
    }
}
