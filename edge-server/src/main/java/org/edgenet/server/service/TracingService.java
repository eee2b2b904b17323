package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.message.ExposureNotice;
import org.edgenet.common.trace.TempId;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.trace.TraceTimes;
import org.edgenet.server.TracingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Contact tracing at the server (SPEC R-CT, 002): issues TempIDs and remembers whose they are, maps
 * an uploaded contact log back to devices, writes the tracing log and notifies the contacts.
 *
 * <p>Every TempID issued is a line of {@code tempIDs.txt}, {@code device tempID start expiry}, with
 * times as {@code dd/MM/yyyy HH:mm:ss} in the server's zone; the file is read at start, so the
 * mapping survives restarts, and TempIDs whose expiry is more than the retention (21 days) ago are
 * dropped at start and by {@link #purgeExpired()}. Each upload appends a block to the tracing log:
 * <pre>
 * reporter supersmartwatch 30/11/2026 05:40:00 entries 3
 * contact superwristband 30/11/2026 05:20:00 30/11/2026 05:35:00
 * unknown 98765432109876543210 30/11/2026 05:21:00 30/11/2026 05:36:00
 * </pre>
 * Both files are {@link ActivityLog}s: one writer thread each, lines forced before anyone is told.
 *
 * <p>Each identified contact is told at once when joined (its connection's {@link Mailbox}), else
 * through the message store, under {@link #NOTICE_SENDER}. Memory is bounded by the devices of the
 * credentials: a device holds one TempID per lifetime, and only for the retention. Thread-safe.
 */
public final class TracingService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TracingService.class);

    /**
     * The sender of an exposure notice left in a mailbox. It has a space, which no device name may
     * hold, so no device can pass itself off as the health authority over MSG.
     */
    public static final String NOTICE_SENDER = "health authority";

    /** Hands an exposure notice to a joined device's connection; completes once written to the socket. */
    @FunctionalInterface
    public interface Mailbox {
        CompletableFuture<Void> deliver(ExposureNotice notice);
    }

    /** A TempID the server issued, and to whom. */
    public record Issued(DeviceName device, TempIdWindow window) {
        /** The line of tempIDs.txt. */
        String toLine() {
            return device + " " + window.toLine();
        }
    }

    /**
     * What an upload revealed.
     *
     * @param received how many entries the device sent
     * @param contacts the devices met, one per TempID of theirs in the log, with the TempID's window
     * @param unknown  entries whose TempID the server never issued (or no longer keeps)
     */
    public record Report(int received, List<Issued> contacts, List<TempIdWindow> unknown) {
    }

    private final TracingSettings settings;
    private final ActivityLog tempIds;
    private final ActivityLog traceLog;
    private final MessageStore messages;
    private final Clock clock;
    private final ZoneId zone;
    private final SecureRandom random = new SecureRandom();
    /** Guarded by this. */
    private final Map<TempId, Issued> byId = new HashMap<>();
    /** The newest TempID of each device. Guarded by this. */
    private final Map<DeviceName, Issued> newest = new HashMap<>();
    private final Map<DeviceName, Mailbox> mailboxes = new ConcurrentHashMap<>();
    /** Told the line of every TempID this server issues, once it is on the disk (cluster mode). */
    private volatile Consumer<String> onIssued = line -> { };

    private TracingService(TracingSettings settings, ActivityLog tempIds, ActivityLog traceLog, MessageStore messages,
                           Clock clock, ZoneId zone) {
        this.settings = settings;
        this.tempIds = tempIds;
        this.traceLog = traceLog;
        this.messages = messages;
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * Reads tempIDs.txt, drops what is past the retention and opens both files, each with a writer
     * thread of its own. Blocks: call it at start, never on an event loop.
     */
    public static TracingService open(TracingSettings settings, Disk disk, Clock clock, ZoneId zone,
                                      MessageStore messages) throws IOException {
        return open(settings, clock, zone, messages, () -> ActivityLog.open(settings.tempIdFile(), disk),
                () -> ActivityLog.open(settings.traceLog(), disk));
    }

    /** As {@link #open(TracingSettings, Disk, Clock, ZoneId, MessageStore)}, both files written on {@code writer}. */
    public static TracingService open(TracingSettings settings, Disk disk, Clock clock, ZoneId zone,
                                      MessageStore messages, Executor writer) throws IOException {
        return open(settings, clock, zone, messages, () -> ActivityLog.open(settings.tempIdFile(), disk, writer),
                () -> ActivityLog.open(settings.traceLog(), disk, writer));
    }

    private interface LogOpener {
        ActivityLog open() throws IOException;
    }

    private static TracingService open(TracingSettings settings, Clock clock, ZoneId zone, MessageStore messages,
                                       LogOpener tempIdLog, LogOpener traceLogOpener) throws IOException {
        List<Issued> loaded = load(settings.tempIdFile());
        ActivityLog tempIds = tempIdLog.open();
        ActivityLog traceLog;
        try {
            traceLog = traceLogOpener.open();
        } catch (IOException e) {
            tempIds.close();
            throw e;
        }
        TracingService service = new TracingService(settings, tempIds, traceLog, messages, clock, zone);
        synchronized (service) {
            loaded.forEach(service::remember);
        }
        try {
            service.purgeExpired().join();
        } catch (RuntimeException e) {
            service.close();
            throw new IOException("cannot drop old TempIDs from " + settings.tempIdFile() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        if (!loaded.isEmpty()) {
            log.info("Loaded {} TempIDs from {}", service.known(), settings.tempIdFile());
        }
        return service;
    }

    /** The lines of tempIDs.txt; a line that is not one is reported once and left in the file. */
    private static List<Issued> load(Path file) throws IOException {
        List<Issued> issued = new ArrayList<>();
        if (!Files.exists(file)) {
            return issued;
        }
        int bad = 0;
        int firstBad = 0;
        int number = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                Issued i = parse(line);
                if (i == null) {
                    bad++;
                    firstBad = firstBad == 0 ? number : firstBad;
                } else {
                    issued.add(i);
                }
            }
        }
        if (bad > 0) {
            log.warn("{}: {} line(s) are not 'device tempID dd/MM/yyyy HH:mm:ss dd/MM/yyyy HH:mm:ss', the first at line "
                    + "{}; skipped", file, bad, firstBad);
        }
        return issued;
    }

    /** A line of tempIDs.txt, or null when it is not one. */
    static Issued parse(String line) {
        String[] words = line.split(" ");
        if (words.length != 6) {
            return null;
        }
        try {
            return new Issued(DeviceName.of(words[0]), TempIdWindow.fromWords(words, 1));
        } catch (InvalidValueException e) {
            return null;
        }
    }

    private void remember(Issued i) {
        if (byId.putIfAbsent(i.window().id(), i) != null) {
            return;
        }
        Issued old = newest.get(i.device());
        if (old == null || i.window().start().isAfter(old.window().start())) {
            newest.put(i.device(), i);
        }
    }

    private void forget(Issued i) {
        byId.remove(i.window().id(), i);
        newest.remove(i.device(), i);
    }

    private LocalDateTime now() {
        return TraceTimes.seconds(LocalDateTime.ofInstant(clock.instant(), zone));
    }

    /**
     * The device's TempID: the one it holds while it has not expired, else a new one of 20 random
     * digits valid from now for the lifetime, which completes once its line is on the disk.
     */
    public CompletableFuture<TempIdWindow> tempId(DeviceName device) {
        Issued fresh;
        synchronized (this) {
            LocalDateTime now = now();
            Issued held = newest.get(device);
            if (held != null && now.isBefore(held.window().expiry()) && !now.isBefore(held.window().start())) {
                return CompletableFuture.completedFuture(held.window());
            }
            TempId id;
            do {
                id = TempId.random(random);
            } while (byId.containsKey(id));
            fresh = new Issued(device, new TempIdWindow(id, now, now.plus(settings.tempIdLifetime())));
            remember(fresh);
        }
        return tempIds.append(fresh.toLine()).handle((v, e) -> {
            if (e != null) {
                synchronized (this) {
                    forget(fresh);
                }
                throw failure("Recording a TempID for " + device, e);
            }
            onIssued.accept(fresh.toLine());
            return fresh.window();
        });
    }

    /**
     * From now on, {@code listener} is told the tempIDs.txt line of every TempID this server
     * issues; it must not block. In a cluster it shares them, so that any server traces them.
     */
    public void onIssued(Consumer<String> listener) {
        onIssued = listener;
    }

    /**
     * A TempID another server issued ({@code line} as in tempIDs.txt): remembered and recorded here
     * too, so an upload through this server traces it, also after a restart. A line that is not one,
     * or a TempID known already, changes nothing.
     */
    public void learn(String line) {
        Issued i = parse(line);
        if (i == null) {
            return;
        }
        synchronized (this) {
            if (byId.containsKey(i.window().id())) {
                return;
            }
            remember(i);
        }
        tempIds.append(line).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("Cannot record a TempID of {} from another server: {}", i.device(), e.getMessage());
            }
        });
    }

    /**
     * {@code reporter} reported positive with {@code entries}: maps each TempID to its device,
     * expired ones included, and appends the block to the tracing log; completes once it is on the
     * disk. A device's own TempIDs are not contacts. {@link #notifyContacts} then tells them.
     */
    public CompletableFuture<Report> report(DeviceName reporter, List<TempIdWindow> entries) {
        Map<TempId, TempIdWindow> distinct = new LinkedHashMap<>();
        for (TempIdWindow e : entries) {
            distinct.putIfAbsent(e.id(), e);
        }
        List<Issued> contacts = new ArrayList<>();
        List<TempIdWindow> unknown = new ArrayList<>();
        synchronized (this) {
            for (TempIdWindow e : distinct.values()) {
                Issued i = byId.get(e.id());
                if (i == null) {
                    unknown.add(e);
                } else if (!i.device().equals(reporter)) {
                    contacts.add(i);
                }
            }
        }
        StringBuilder block = new StringBuilder("reporter ").append(reporter).append(' ')
                .append(TraceTimes.format(now())).append(" entries ").append(entries.size());
        for (Issued c : contacts) {
            block.append("\ncontact ").append(c.device()).append(' ').append(TraceTimes.format(c.window().start()))
                    .append(' ').append(TraceTimes.format(c.window().expiry()));
        }
        for (TempIdWindow u : unknown) {
            block.append("\nunknown ").append(u.toLine());
        }
        Report report = new Report(entries.size(), contacts, unknown);
        return traceLog.append(block.toString()).handle((v, e) -> {
            if (e != null) {
                throw failure("Logging the contacts of " + reporter, e);
            }
            return report;
        });
    }

    /** While {@code device} is joined, its exposure notices go to {@code mailbox}. */
    public void attend(DeviceName device, Mailbox mailbox) {
        mailboxes.put(device, mailbox);
    }

    /** {@code device} left: forgets its mailbox, unless another connection of that name has one now. */
    public void leave(DeviceName device, Mailbox mailbox) {
        mailboxes.remove(device, mailbox);
    }

    /** Tells every contact of {@code report}: at once if joined, else through its mailbox. */
    public void notifyContacts(Report report) {
        report.contacts().forEach(this::notifyContact);
    }

    private void notifyContact(Issued contact) {
        ExposureNotice notice = new ExposureNotice(contact.window().start(), contact.window().expiry());
        Mailbox mailbox = mailboxes.get(contact.device());
        CompletableFuture<Void> pushed = mailbox == null
                ? CompletableFuture.failedFuture(new IllegalStateException("not joined"))
                : mailbox.deliver(notice);
        pushed.whenComplete((v, e) -> {
            if (e == null) {
                log.info("Exposure notice sent to {}", contact.device());
                return;
            }
            messages.post(NOTICE_SENDER, contact.device().value(), notice.text()).whenComplete((id, failed) -> {
                if (failed == null) {
                    log.info("Exposure notice for {} left in its mailbox", contact.device());
                } else {
                    log.warn("Exposure notice for {} could not be stored: {}", contact.device(),
                            OutOfSpace.causedBy(failed) ? OutOfSpace.MESSAGE : causeOf(failed).getMessage());
                }
            });
        });
    }

    /**
     * Drops the TempIDs whose expiry is more than the retention ago, from memory and from
     * tempIDs.txt (rewritten on its writer, atomically); completes with the number of lines
     * removed. The in-memory part is quick; the file's is never on the caller's thread.
     */
    public CompletableFuture<Integer> purgeExpired() {
        LocalDateTime cutoff = now().minus(settings.retention());
        synchronized (this) {
            byId.values().removeIf(i -> i.window().expiry().isBefore(cutoff));
            newest.values().removeIf(i -> i.window().expiry().isBefore(cutoff));
        }
        return tempIds.retain(line -> {
            Issued i = parse(line);
            return i == null || !i.window().expiry().isBefore(cutoff);
        }).whenComplete((removed, e) -> {
            if (e != null) {
                log.warn("Cannot drop old TempIDs from {}: {}", tempIds.file(), e.getMessage());
            } else if (removed > 0) {
                log.info("Dropped {} TempID(s) older than {} days from {}", removed, settings.retention().toDays(),
                        tempIds.file());
            }
        });
    }

    /** A full disk becomes the refusal a device understands; anything else stays what it was. */
    private static CompletionException failure(String what, Throwable e) {
        if (OutOfSpace.causedBy(e)) {
            log.warn("{} failed: {}", what, OutOfSpace.MESSAGE);
            return new CompletionException(OutOfSpace.error());
        }
        return e instanceof CompletionException c ? c : new CompletionException(e);
    }

    private static Throwable causeOf(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** How many TempIDs the server knows now. */
    public synchronized int known() {
        return byId.size();
    }

    @Override
    public void close() {
        tempIds.close();
        traceLog.close();
    }
}
