package org.edgenet.client.p2p;

import org.edgenet.common.message.Ticket;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tickets an audience holds: each one lets one OFFER in, until its lifetime runs out. Bounded:
 * past {@link #MAX_TICKETS} the oldest goes, so a device that looks this one up in a loop cannot
 * grow its memory. Thread-safe: the server connection's thread adds a ticket the moment it arrives,
 * before any OFFER it vouches for can be read; times in nanoseconds of the audience's ticker.
 */
final class TicketBook {
    static final int MAX_TICKETS = 256;

    private record Held(Ticket ticket, long expiresAt) {
    }

    private final Map<Long, Held> held = new LinkedHashMap<>();

    synchronized void add(Ticket ticket, long now) {
        purge(now);
        if (held.size() >= MAX_TICKETS) {
            Iterator<Long> oldest = held.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        held.put(ticket.id(), new Held(ticket, now + ticket.lifetime().toNanos()));
    }

    /** The unexpired ticket with {@code id}, or null. */
    synchronized Ticket find(long id, long now) {
        Held h = held.get(id);
        if (h == null) {
            return null;
        }
        if (now - h.expiresAt() >= 0) {
            held.remove(id);
            return null;
        }
        return h.ticket();
    }

    /** The ticket let its OFFER in: it lets no other. */
    synchronized void consume(long id) {
        held.remove(id);
    }

    synchronized void purge(long now) {
        held.values().removeIf(h -> now - h.expiresAt() >= 0);
    }

    synchronized int size() {
        return held.size();
    }
}
