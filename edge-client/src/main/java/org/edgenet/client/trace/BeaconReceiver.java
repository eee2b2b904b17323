package org.edgenet.client.trace;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.edgenet.common.trace.Beacon;
import org.edgenet.common.trace.BeaconFault;
import org.edgenet.common.trace.MalformedBeaconException;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * First handler of the device's UDP port, where beacons and UVF datagrams both arrive. A datagram
 * whose first byte is UVF's ({@link Beacon#isUvf}) goes on to UVF untouched; every other one is
 * judged as a beacon here and goes no further: a beacon that is well formed and valid now (by the
 * injected clock, in its zone, to the second, both ends of the window included) goes to the
 * {@link BeaconListener}; any other is counted by its {@link BeaconFault} and reported, never
 * kept. The channel never closes because of a datagram.
 */
public final class BeaconReceiver extends ChannelInboundHandlerAdapter {
    private final Clock clock;
    private final Map<BeaconFault, LongAdder> counts = new EnumMap<>(BeaconFault.class);
    private final LongAdder refused = new LongAdder();
    private volatile BeaconListener listener;

    /** Until the device has joined, there is no contact log to keep beacons in. */
    public BeaconReceiver(Clock clock) {
        this(clock, new BeaconListener() {
            @Override
            public void valid(Beacon beacon, InetSocketAddress from) {
            }

            @Override
            public void refused(BeaconFault fault, String detail, InetSocketAddress from, long total) {
            }
        });
    }

    public BeaconReceiver(Clock clock, BeaconListener listener) {
        this.clock = clock;
        this.listener = listener;
        for (BeaconFault f : BeaconFault.values()) {
            counts.put(f, new LongAdder());
        }
    }

    /** From now on beacons go to {@code listener}, e.g. once the device has joined and has a contact log. */
    public void listen(BeaconListener listener) {
        this.listener = listener;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet) || Beacon.isUvf(packet.content())) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            Beacon beacon = Beacon.decode(packet.content());
            LocalDateTime now = LocalDateTime.now(clock);
            if (now.isBefore(beacon.window().start())) {
                refuse(BeaconFault.NOT_YET_VALID, beacon.window().toLine(), packet.sender());
            } else if (!beacon.window().validAt(now)) {
                refuse(BeaconFault.EXPIRED, beacon.window().toLine(), packet.sender());
            } else {
                listener.valid(beacon, packet.sender());
            }
        } catch (MalformedBeaconException e) {
            refuse(e.fault(), e.getMessage(), packet.sender());
        } finally {
            packet.release();
        }
    }

    private void refuse(BeaconFault fault, String detail, InetSocketAddress from) {
        counts.get(fault).increment();
        refused.increment();
        listener.refused(fault, detail, from, refused.sum());
    }

    /** Datagrams refused for {@code fault} so far. */
    public long count(BeaconFault fault) {
        return counts.get(fault).sum();
    }

    /** Datagrams refused so far, for any reason. */
    public long refused() {
        return refused.sum();
    }
}
