package org.edgenet.server.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.IExecutorService;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.Ticket;
import org.edgenet.server.service.TicketService;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * UVF between servers: a ticket for an audience joined to another member is run there, on the
 * cluster's executor, and handed to the audience's connection by that member's own ticket office.
 * The presenter is told where to send only once the audience has its ticket, as on a server alone.
 */
final class TicketRelay implements TicketService.Relay {
    /** Where each member's ticket office is found by a task running on it. */
    static final String OFFICE = "edgenet.tickets";
    static final String EXECUTOR = "edgenet.tickets";
    /** How long the member of the audience waits for the ticket to reach the audience's socket. */
    private static final Duration DELIVERY = Duration.ofSeconds(5);

    private final HazelcastInstance hz;
    private final ClusterDeviceRegistry presence;
    private final IExecutorService executor;

    TicketRelay(HazelcastInstance hz, ClusterDeviceRegistry presence) {
        this.hz = hz;
        this.presence = presence;
        this.executor = hz.getExecutorService(EXECUTOR);
    }

    @Override
    public CompletableFuture<Void> deliver(Ticket ticket) {
        Optional<UUID> holder = presence.memberOf(ticket.audience());
        Member member = holder.flatMap(uuid -> hz.getCluster().getMembers().stream()
                .filter(m -> m.getUuid().equals(uuid) && !m.localMember()).findFirst()).orElse(null);
        if (member == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(ticket.audience()
                    + " has no connection in the cluster"));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.submitToMember(new Deliver(ticket), member, new ExecutionCallback<Boolean>() {
            @Override
            public void onResponse(Boolean delivered) {
                if (Boolean.TRUE.equals(delivered)) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(new IllegalStateException(ticket.audience() + " has no connection"));
                }
            }

            @Override
            public void onFailure(Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /** The ticket on its way, as plain fields, and the step that delivers it on the audience's member. */
    static final class Deliver implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
        private static final long serialVersionUID = 1L;

        private final long id;
        private final String presenter;
        private final String audience;
        private final byte[] key;
        private final long lifetimeMillis;
        private transient HazelcastInstance hz;

        Deliver(Ticket t) {
            this.id = t.id();
            this.presenter = t.presenter().value();
            this.audience = t.audience().value();
            this.key = t.key();
            this.lifetimeMillis = t.lifetime().toMillis();
        }

        @Override
        public void setHazelcastInstance(HazelcastInstance hz) {
            this.hz = hz;
        }

        @Override
        public Boolean call() {
            if (!(hz.getUserContext().get(OFFICE) instanceof TicketService office)) {
                return false;
            }
            Ticket ticket = new Ticket(id, DeviceName.of(presenter), DeviceName.of(audience), key,
                    Duration.ofMillis(lifetimeMillis));
            try {
                office.deliverHere(ticket).get(DELIVERY.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                return false;
            }
        }
    }
}
