package org.edgenet.client.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.edgenet.common.p2p.DropReason;
import org.edgenet.common.p2p.Envelope;
import org.edgenet.common.p2p.MalformedDatagramException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The presenter side of UVF, on a channel bound to a port the OS chose, behind a {@link UvfDecoder}.
 * Routes ACCEPT, ACK, DONE and REJECT to the {@link OutgoingTransfer} with their transfer id, provided
 * they come from the port that transfer sends to and open with its keys; anything else is dropped
 * and counted.
 */
final class PresenterHandler extends SimpleChannelInboundHandler<Inbound> {
    private static final Logger log = LoggerFactory.getLogger(PresenterHandler.class);
    private static final int RECENT = 256;

    private final DropCounter drops;
    private final Map<Long, OutgoingTransfer> transfers = new HashMap<>();
    /** Ids of transfers that just ended: their late ACKs are expected, not bad datagrams. */
    private final Set<Long> recentlyOver = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > RECENT;
        }
    });
    private boolean active = true;
    /** Where control bodies are opened. */
    private ByteBuf scratch;
    /** Completes once the channel is inactive and every transfer has failed. */
    final CompletableFuture<Void> stopped = new CompletableFuture<>();

    PresenterHandler(DropCounter drops) {
        this.drops = drops;
    }

    /** On the event loop: registers {@code t} and sends its OFFER. */
    void start(OutgoingTransfer t) {
        transfers.put(t.id, t);
        if (active) {
            t.start();
        } else {
            t.fail("the device is closing", false);
        }
    }

    /** On the event loop: forgets a transfer that is over. */
    void remove(OutgoingTransfer t) {
        if (transfers.remove(t.id, t)) {
            recentlyOver.add(t.id);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        scratch = ctx.alloc().heapBuffer(2048);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        scratch.release();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Inbound in) {
        Envelope e = in.envelope;
        OutgoingTransfer t = transfers.get(e.transferId());
        if (t == null && recentlyOver.contains(e.transferId())) {
            return;
        }
        if (t == null || t.to.getPort() != in.sender.getPort()) {
            drops.drop(DropReason.UNKNOWN_TRANSFER, in.sender, Long.toHexString(e.transferId()));
            return;
        }
        try {
            t.onDatagram(e, scratch);
        } catch (MalformedDatagramException bad) {
            drops.drop(bad.reason(), in.sender, bad.getMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        active = false;
        for (OutgoingTransfer t : new ArrayList<>(transfers.values())) {
            t.fail("the transfer was cancelled because the device is closing", false);
        }
        stopped.complete(null);
        ctx.fireChannelInactive();
    }

    /** A socket error (an ICMP report, a failed send) concerns one datagram: the port stays open. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("UVF socket error on {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
