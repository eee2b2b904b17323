package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.Ticket;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues UVF tickets (SPEC R-UVF-SEC): for each lookup, a fresh random id and 256-bit key for one
 * transfer from a presenter to an audience, delivered to the audience's connection before the
 * presenter gets its copy. Keeps no ticket: the audience enforces single use and expiry, and the
 * key lives only in the two devices and on the wire to them. Thread-safe.
 */
public final class TicketService {
    /** How long an audience keeps an unused ticket: an OFFER follows its lookup within a second. */
    public static final Duration LIFETIME = Duration.ofSeconds(30);

    /** Hands a ticket to a joined device's connection; completes once it is written to the socket. */
    @FunctionalInterface
    public interface Mailbox {
        CompletableFuture<Void> deliver(Ticket ticket);
    }

    /** Delivers a ticket to an audience joined to another server of the cluster. */
    @FunctionalInterface
    public interface Relay {
        /** Fails when no other server holds a connection of {@code ticket.audience()}. */
        CompletableFuture<Void> deliver(Ticket ticket);
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<DeviceName, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final Relay relay;

    public TicketService() {
        this(LIFETIME);
    }

    public TicketService(Duration lifetime) {
        this(lifetime, ticket -> CompletableFuture.failedFuture(new IllegalStateException(ticket.audience()
                + " has no connection")));
    }

    /** Tickets for audiences not connected here go through {@code relay} (cluster mode). */
    public TicketService(Duration lifetime, Relay relay) {
        this.lifetime = lifetime;
        this.relay = relay;
    }

    /** Hands {@code ticket} to its audience's connection on this server, for a relay from another. */
    public CompletableFuture<Void> deliverHere(Ticket ticket) {
        Mailbox mailbox = mailboxes.get(ticket.audience());
        return mailbox == null
                ? CompletableFuture.failedFuture(new IllegalStateException(ticket.audience() + " has no connection"))
                : mailbox.deliver(ticket);
    }

    /** While {@code device} is joined, its tickets go to {@code mailbox}. */
    public void attend(DeviceName device, Mailbox mailbox) {
        mailboxes.put(device, mailbox);
    }

    /** {@code device} left: forgets its mailbox, unless another connection of that name has one now. */
    public void leave(DeviceName device, Mailbox mailbox) {
        mailboxes.remove(device, mailbox);
    }

    /**
     * A new ticket for a transfer from {@code presenter} to {@code audience}. Completes with it once
     * the audience's connection has it; fails when the audience has no connection to take it.
     */
    public CompletableFuture<Ticket> issue(DeviceName presenter, DeviceName audience) {
        Mailbox mailbox = mailboxes.get(audience);
        byte[] key = new byte[Ticket.KEY_LENGTH];
        random.nextBytes(key);
        Ticket ticket = new Ticket(random.nextLong(), presenter, audience, key, lifetime);
        return (mailbox == null ? relay.deliver(ticket) : mailbox.deliver(ticket)).thenApply(v -> ticket);
    }
}
