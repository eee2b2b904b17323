package org.edgenet.server.net;

import io.netty.util.concurrent.Ticker;
import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    /** The events of one key in its current window. */
    private static final class Tally {
        final long start;
        long events;

        Tally(long start) {
            this.start = start;
        }
    }

    private record Summary(Kind kind, String text) {
        void emit() {
            kind.log().atLevel(kind.level()).log(text);
        }
    }

    private final Ticker ticker;
    private final int burst;
    private final long windowNanos;
    private final String windowText;
    private final int maxSources;
    /** Guarded by {@code this}; logging itself happens outside the lock. */
    private final Map<Key, Tally> tallies = new HashMap<>();
    private int sources;

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
        List<Summary> due = new ArrayList<>(1);
        boolean admitted;
        synchronized (this) {
            Key key = new Key(kind, source);
            Tally t = current(key, now, due);
            if (t == null && sources >= maxSources) {
                key = new Key(kind, null);
                t = current(key, now, due);
            }
            if (t == null) {
                t = new Tally(now);
                tallies.put(key, t);
                if (key.source() != null) {
                    sources++;
                }
            }
            admitted = ++t.events <= burst;
        }
        due.forEach(Summary::emit);
        return admitted;
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
        synchronized (this) {
            for (Iterator<Map.Entry<Key, Tally>> it = tallies.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, Tally> e = it.next();
                if (all || over(e.getValue(), now)) {
                    it.remove();
                    forget(e.getKey(), e.getValue(), due);
                }
            }
        }
        due.forEach(Summary::emit);
    }

    /** The tally of {@code key} if its window is still open; an ended one is summarised and forgotten. */
    private Tally current(Key key, long now, List<Summary> due) {
        Tally t = tallies.get(key);
        if (t != null && over(t, now)) {
            tallies.remove(key);
            forget(key, t, due);
            return null;
        }
        return t;
    }

    private boolean over(Tally t, long now) {
        return now - t.start >= windowNanos;
    }

    private void forget(Key key, Tally t, List<Summary> due) {
        if (key.source() != null) {
            sources--;
        }
        long more = t.events - burst;
        if (more > 0) {
            due.add(new Summary(key.kind(), String.format(Locale.ROOT, "%s from %s: %,d more like this in the last %s",
                    key.kind().name(), key.source() == null ? OTHER_SOURCES : key.source(), more, windowText)));
        }
    }

    /** How many keys are tracked; for tests of the bound. */
    synchronized int keys() {
        return tallies.size();
    }
}
