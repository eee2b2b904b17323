package org.edgenet.server.service;

import org.edgenet.common.cli.StartupException;
import org.edgenet.common.format.DeviceName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The credentials file of a running server: read at start, read again whenever it changes, and
 * checked on a small pool of its own.
 *
 * <p>A thread of its own looks at the file's modification time, size and identity (a rename puts
 * a new file in place) every poll interval, never on an event loop. A changed file replaces the
 * table only when every line of it is good; otherwise the table in use stays and one WARN line
 * says why. A device already joined stays joined whatever the new file says.
 *
 * <p>Hashes are checked on {@code threads} threads with at most {@code queue} checks waiting:
 * each check holds a copy of the hash's memory (7 MiB with the parameters edge-passwd writes), so
 * the pool bounds both CPU and heap, and a login beyond it is refused rather than queued.
 */
public final class WatchedCredentialStore implements CredentialStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchedCredentialStore.class);
    /** Names listed in a reload line before the rest are only counted. */
    static final int NAMES_SHOWN = 5;

    private final Path file;
    private final AtomicReference<FileCredentialStore> table;
    private final ThreadPoolExecutor checks;
    private final ScheduledExecutorService watcher;
    /** What the file looked like when last read; touched only by the watcher (or a test). */
    private Stamp seen;

    /** Modification time, size and identity: any change means the file is read again. */
    private record Stamp(long modifiedNanos, long size, Object key) {
        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey());
        }
    }

    private WatchedCredentialStore(Path file, FileCredentialStore first, Stamp stamp, int threads, int queue) {
        this.file = file;
        this.table = new AtomicReference<>(first);
        this.seen = stamp;
        AtomicInteger n = new AtomicInteger();
        this.checks = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> daemon(r, "password-check-" + n.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "credentials-watch"));
    }

    /**
     * Reads {@code file} and, unless {@code poll} is zero, watches it.
     *
     * @throws StartupException when the file cannot be read at all
     */
    public static WatchedCredentialStore open(Path file, Duration poll, int threads, int queue)
            throws StartupException {
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (IOException e) {
            // load() says why in the same words as before.
            stamp = null;
        }
        WatchedCredentialStore store = new WatchedCredentialStore(file, FileCredentialStore.load(file), stamp,
                threads, queue);
        if (!poll.isZero()) {
            store.watcher.scheduleWithFixedDelay(store::checkQuietly, poll.toNanos(), poll.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        return store;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            // The next poll tries again; the table in use stays.
            log.warn("Credentials file {} could not be checked for changes: {}", file, e.toString());
        }
    }

    /**
     * Reads the file again if it changed since last time; true when the table was replaced. Runs on
     * the watcher thread; tests call it directly instead of waiting for a poll.
     */
    synchronized boolean checkNow() {
        Stamp now;
        try {
            now = Stamp.of(file);
        } catch (NoSuchFileException e) {
            now = new Stamp(-1, -1, "missing");
        } catch (IOException e) {
            now = new Stamp(-1, -1, e.toString());
        }
        if (now.equals(seen)) {
            return false;
        }
        seen = now;
        FileCredentialStore old = table.get();
        try {
            FileCredentialStore next = FileCredentialStore.reload(file);
            table.set(next);
            log.info("Credentials reloaded from {}: {}", file, changes(old.entries(), next.entries()));
            return true;
        } catch (InvalidCredentialsException e) {
            log.warn("Credentials file {} not reloaded: {}; keeping the {} devices loaded before", file,
                    e.getMessage(), old.size());
            return false;
        }
    }

    /** {@code 1 added (alice), 1 removed (bob), 0 changed; 5 devices}. */
    static String changes(Map<DeviceName, Secret> before, Map<DeviceName, Secret> after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        after.forEach((name, secret) -> {
            Secret was = before.get(name);
            if (was == null) {
                added.add(name.value());
            } else if (!same(was, secret)) {
                changed.add(name.value());
            }
        });
        before.keySet().stream().filter(n -> !after.containsKey(n)).forEach(n -> removed.add(n.value()));
        return count(added, "added") + ", " + count(removed, "removed") + ", " + count(changed, "changed") + "; "
                + after.size() + (after.size() == 1 ? " device" : " devices");
    }

    private static String count(List<String> names, String what) {
        if (names.isEmpty()) {
            return "0 " + what;
        }
        names.sort(null);
        String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())));
        int rest = names.size() - NAMES_SHOWN;
        return names.size() + " " + what + " (" + shown + (rest > 0 ? " and " + rest + " more" : "") + ")";
    }

    private static boolean same(Secret a, Secret b) {
        if (a instanceof Secret.Plain p && b instanceof Secret.Plain q) {
            return Arrays.equals(p.utf8(), q.utf8());
        }
        if (a instanceof Secret.Hashed h && b instanceof Secret.Hashed k) {
            return h.phc().equals(k.phc());
        }
        return false;
    }

    @Override
    public boolean knows(DeviceName device) {
        return table.get().knows(device);
    }

    @Override
    public Optional<Secret> secret(DeviceName device) {
        return table.get().secret(device);
    }

    @Override
    public Optional<Secret> decoy() {
        return table.get().decoy();
    }

    @Override
    public int size() {
        return table.get().size();
    }

    /**
     * A plain password, or an unknown name in a file without hashes, is answered at once; a hash
     * (or the decoy) is checked on the pool.
     *
     * @throws VerifierBusyException when the pool and its queue are full
     */
    @Override
    public CompletableFuture<Boolean> verify(DeviceName device, String password) {
        FileCredentialStore t = table.get();
        Optional<Secret> secret = t.secret(device);
        Secret checked = secret.or(t::decoy).orElse(null);
        if (checked == null || !checked.slow()) {
            return CompletableFuture.completedFuture(checked != null && checked.matches(password));
        }
        boolean known = secret.isPresent();
        try {
            return CompletableFuture.supplyAsync(() -> checked.matches(password) && known, checks);
        } catch (RejectedExecutionException e) {
            throw new VerifierBusyException();
        }
    }

    /** The pool of checks: a test hook, to fill it. */
    ThreadPoolExecutor checks() {
        return checks;
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        checks.shutdownNow();
    }

    @Override
    public String toString() {
        return "WatchedCredentialStore[" + Objects.toString(file) + "]";
    }
}
