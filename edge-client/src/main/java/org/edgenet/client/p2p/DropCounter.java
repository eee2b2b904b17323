package org.edgenet.client.p2p;

import org.edgenet.common.p2p.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts datagrams dropped as bad, per reason. A bad datagram never closes a channel; it costs at
 * most one WARN line, and those are limited to one per ten seconds so a flood cannot fill the log.
 */
public final class DropCounter {
    private static final Logger log = LoggerFactory.getLogger(DropCounter.class);
    private static final long LOG_INTERVAL = TimeUnit.SECONDS.toNanos(10);

    private final Map<DropReason, LongAdder> counts = new EnumMap<>(DropReason.class);
    private final LongAdder total = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL);

    public DropCounter() {
        for (DropReason r : DropReason.values()) {
            counts.put(r, new LongAdder());
        }
    }

    void drop(DropReason reason, SocketAddress from, String detail) {
        counts.get(reason).increment();
        total.increment();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL && lastLog.compareAndSet(last, now)) {
            log.warn("Dropped a UVF datagram from {}: {} ({}); {} dropped so far", from, reason.text(), detail, total());
        }
    }

    public long total() {
        return total.sum();
    }

    public long count(DropReason reason) {
        return counts.get(reason).sum();
    }
}
