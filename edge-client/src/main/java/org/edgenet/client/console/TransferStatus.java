package org.edgenet.client.console;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The transfers under way as one line of text: for each its label, the share done, the bytes, the
 * rate since it was first seen and the time left at that rate. Progress comes from network and
 * disk threads, the line is read by the thread that draws it; one lock guards both.
 *
 * <p>A transfer leaves the line when it ends, when it reports all its bytes, or when it has not
 * reported for {@link #STALE}. Progress is reported on other threads than the end, so a last report
 * may come just after it: reports within {@link #AFTER_END} of the end are ignored.
 */
final class TransferStatus {
    static final Duration STALE = Duration.ofMinutes(1);
    static final Duration AFTER_END = Duration.ofSeconds(2);
    /** More transfers than this do not fit on a line anyway; the ones beyond are not shown. */
    static final int MAX_SHOWN = 16;

    private final Clock clock;
    private final Map<String, Transfer> transfers = new LinkedHashMap<>();
    /** When each transfer ended, for {@link #AFTER_END}; as bounded as the transfers shown. */
    private final Map<String, Long> ended = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_SHOWN;
        }
    };

    TransferStatus(Clock clock) {
        this.clock = clock;
    }

    /** {@code done} of {@code total} bytes of the transfer {@code key} have gone. */
    synchronized void update(String key, String label, long done, long total) {
        long now = clock.millis();
        if (total <= 0 || done >= total) {
            transfers.remove(key);
            return;
        }
        Long endedAt = ended.get(key);
        if (endedAt != null) {
            if (now - endedAt <= AFTER_END.toMillis()) {
                return;
            }
            ended.remove(key);
        }
        Transfer t = transfers.get(key);
        if (t == null) {
            if (transfers.size() >= MAX_SHOWN) {
                return;
            }
            // A received file's name is the presenter's word: shown only as printable text.
            transfers.put(key, new Transfer(Printable.of(label), total, done, now));
            return;
        }
        t.done = Math.max(t.done, done);
        t.lastMillis = now;
    }

    synchronized void end(String key) {
        transfers.remove(key);
        ended.put(key, clock.millis());
    }

    /** The status line; empty when nothing is under way. */
    synchronized String line() {
        long now = clock.millis();
        transfers.values().removeIf(t -> now - t.lastMillis > STALE.toMillis());
        List<String> parts = new ArrayList<>();
        for (Transfer t : transfers.values()) {
            parts.add(t.describe(now));
        }
        return String.join("  |  ", parts);
    }

    /** {@code 1.5 GiB}, {@code 312.0 KiB}, {@code 17 B}. */
    static String bytes(double n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", n) : String.format(Locale.ROOT, "%.1f %s", n, units[u]);
    }

    /** {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 10 min}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    private static final class Transfer {
        final String label;
        final long total;
        final long firstDone;
        final long firstMillis;
        long done;
        long lastMillis;

        Transfer(String label, long total, long done, long now) {
            this.label = label;
            this.total = total;
            this.firstDone = done;
            this.firstMillis = now;
            this.done = done;
            this.lastMillis = now;
        }

        String describe(long now) {
            String s = label + ": " + (done * 100 / total) + "% of " + bytes(total);
            long elapsed = now - firstMillis;
            long moved = done - firstDone;
            // The rate counts from the first report, whose bytes went before anyone looked.
            if (elapsed < 500 || moved <= 0) {
                return s;
            }
            double perSecond = moved * 1000.0 / elapsed;
            long left = (long) Math.ceil((total - done) / perSecond);
            return s + ", " + bytes(perSecond) + "/s, " + duration(left) + " left";
        }
    }
}
