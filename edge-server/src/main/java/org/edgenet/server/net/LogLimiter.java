package org.edgenet.server.net;

import io.netty.util.concurrent.Ticker;
import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a flood of one kind of event from one source from flooding the console. Per (kind,
 * source), the first {@link #BURST} events of a window of {@link #WINDOW} are logged as usual; the
 * rest are only counted, and when the window ends one line says how many there were:
 * {@code Login failed from 127.0.0.1: 99,950 more like this in the last 10 s}.
 *
 * <p>A window starts at the first event of its key and ends {@link #WINDOW} later; its summary
 * goes out on the key's next event or on {@link #flush()}, which the server calls every second.
 * At most {@link #MAX_SOURCES} sources are tracked at once; events from further sources share one
 * key per kind, shown as {@value #OTHER_SOURCES}, so memory stays bounded however many addresses
 * a flood comes from. Safe to use from every event loop at once.
 */
public final class LogLimiter {
    public static final int BURST = 5;
    public static final Duration WINDOW = Duration.ofSeconds(10);
    public static final int MAX_SOURCES = 1024;
    static final String OTHER_SOURCES = "other addresses";

    /**
     * A kind of event: its name at the start of the summary line, and the logger and level the
     * summary goes to, those of the events themselves.
     */
    public record Kind(String name, Logger log, Level level) {
    }

    /** {@code source} is null for the shared key of the sources beyond {@link #MAX_SOURCES}. */
    private record Key(Kind kind, String source) {
    }

    /**
     * The events of one key in its current window. Counted without a lock while the window is
     * open; closed (inside its map entry's compute) by whoever sees that the window has ended, and
     * an event that comes after that is counted in the next window instead.
     */
    private static final class Tally {
        private static final long CLOSED = Long.MIN_VALUE;
        final long start;
        private final AtomicLong events = new AtomicLong();

        Tally(long start) {
            this.start = start;
        }

        /** Counts one event: how many this window has had, or -1 if it was closed meanwhile. */
        long add() {
            long n = events.incrementAndGet();
            return n > 0 ? n : -1;
        }

        /** Closes the window: how many events it had. */
        long close() {
            return events.getAndSet(CLOSED);
        }
    }

    private record Summary(Kind kind, String text) {
        void emit() {
            kind.log().atLevel(kind.level()).log(text);
        }
    }

    /** What one {@code compute} of a key decided: the caller reads it after the map has let go. */
    private static final class Outcome {
        Summary due;
        boolean admitted;
        boolean full;
    }

    private final Ticker ticker;
    private final int burst;
    private final long windowNanos;
    private final String windowText;
    private final int maxSources;
    /**
     * An open window is counted with an atomic add; a key is added, or its ended window replaced,
     * inside its own entry's {@code compute}, which locks only that entry's bin. Event loops no
     * longer wait on one lock for the whole map, as they did. Logging itself happens outside.
     */
    private final ConcurrentHashMap<Key, Tally> tallies = new ConcurrentHashMap<>();
    /** Keys with a source; reserved before such a key is added, so the bound holds under a race. */
    private final AtomicInteger sources = new AtomicInteger();

    /** {@link #BURST} per {@link #WINDOW}, at most {@link #MAX_SOURCES} sources. */
    public LogLimiter(Ticker ticker) {
        this(ticker, BURST, WINDOW, MAX_SOURCES);
    }

    LogLimiter(Ticker ticker, int burst, Duration window, int maxSources) {
        this.ticker = ticker;
        this.burst = burst;
        this.windowNanos = window.toNanos();
        this.windowText = window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() + " ms";
        this.maxSources = maxSources;
    }

    /**
     * Records one event of {@code kind} from {@code source} (an address); true when the caller should
     * log it, false when it is only counted.
     */
    public boolean admit(Kind kind, String source) {
        long now = ticker.nanoTime();
        Key sourceKey = new Key(kind, source);
        // A flood from one address counts on one key: within its window, only an atomic add.
        Tally open = tallies.get(sourceKey);
        if (open != null && !over(open, now)) {
            long n = open.add();
            if (n > 0) {
                return n <= burst;
            }
        }
        Outcome o = new Outcome();
        tallies.compute(sourceKey, (key, t) -> count(key, t, now, o));
        if (o.full) {
            Summary first = o.due;
            o.due = null;
            tallies.compute(new Key(kind, null), (key, t) -> count(key, t, now, o));
            if (first != null) {
                first.emit();
            }
        }
        if (o.due != null) {
            o.due.emit();
        }
        return o.admitted;
    }

    /**
     * Counts one event on {@code key}'s tally {@code t}: a window that has ended is summarised into
     * {@code o} and replaced. A new source beyond the bound is not added; {@code o} says it is full.
     */
    private Tally count(Key key, Tally t, long now, Outcome o) {
        if (t != null && over(t, now)) {
            o.due = summary(key, t.close());
            if (key.source() != null) {
                sources.decrementAndGet();
            }
            t = null;
        }
        if (t == null) {
            if (key.source() != null && !reserveSource()) {
                o.full = true;
                return null;
            }
            t = new Tally(now);
        }
        // Only a compute of this key closes its tally, so this add counts.
        o.admitted = t.add() <= burst;
        return t;
    }

    private boolean reserveSource() {
        int n;
        do {
            n = sources.get();
            if (n >= maxSources) {
                return false;
            }
        } while (!sources.compareAndSet(n, n + 1));
        return true;
    }

    /** Summarises and forgets every key whose window has ended. */
    public void flush() {
        flush(false);
    }

    /** Summarises and forgets every key, window ended or not: for when the server stops. */
    public void flushAll() {
        flush(true);
    }

    private void flush(boolean all) {
        long now = ticker.nanoTime();
        List<Summary> due = new ArrayList<>();
        for (Key key : tallies.keySet()) {
            tallies.computeIfPresent(key, (k, t) -> {
                if (!all && !over(t, now)) {
                    return t;
                }
                if (k.source() != null) {
                    sources.decrementAndGet();
                }
                Summary s = summary(k, t.close());
                if (s != null) {
                    due.add(s);
                }
                return null;
            });
        }
        due.forEach(Summary::emit);
    }

    private boolean over(Tally t, long now) {
        return now - t.start >= windowNanos;
    }

    /** The line for the events of an ended window beyond its burst; null when none was held back. */
    private Summary summary(Key key, long events) {
        long more = events - burst;
        if (more <= 0) {
            return null;
        }
        return new Summary(key.kind(), String.format(Locale.ROOT, "%s from %s: %,d more like this in the last %s",
                key.kind().name(), key.source() == null ? OTHER_SOURCES : key.source(), more, windowText));
    }

    /** How many keys are tracked; for tests of the bound. */
    int keys() {
        return tallies.size();
    }
}
