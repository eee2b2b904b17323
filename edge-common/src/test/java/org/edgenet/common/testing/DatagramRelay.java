package org.edgenet.common.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay for tests that sits between senders and one target and mistreats datagrams in both
 * directions: drops, duplicates, and delays some (which reorders them), each at a chosen rate from
 * a seeded {@link Random}. Senders send to {@link #address()}; each sender gets its own port towards
 * the target, so the target sees one distinct peer per sender, and its answers go back the same way.
 * Everything runs on one event-loop thread, so the random sequence is used by one thread only.
 *
 * <p>It also plays the attacker on the path: it can flip a bit in datagrams towards the target
 * ({@link #corrupt}), keep copies of them ({@link #record}), and send made-up datagrams that look
 * as if they came from a sender or from the target ({@link #injectAsSender}, {@link #injectAsTarget}).
 */
public final class DatagramRelay implements AutoCloseable {
    /**
     * What happens to each datagram, independently, in either direction.
     *
     * @param drop      probability it is lost
     * @param duplicate probability it is sent twice
     * @param delay     probability it is held back, which lets later datagrams overtake it
     * @param maxDelay  the longest hold
     */
    public record Faults(double drop, double duplicate, double delay, Duration maxDelay) {
        public static final Faults NONE = new Faults(0, 0, 0, Duration.ZERO);
        /** Every datagram is lost. */
        public static final Faults BLACKHOLE = new Faults(1, 0, 0, Duration.ZERO);

        /** {@code drop} loss with some duplication and reordering on top. */
        public static Faults lossy(double drop) {
            return new Faults(drop, 0.02, 0.05, Duration.ofMillis(3));
        }
    }

    private static final int BUFFER = 4 * 1024 * 1024;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final InetSocketAddress target;
    private final Random random;
    private final Map<InetSocketAddress, Channel> backs = new HashMap<>();
    private final Map<InetSocketAddress, List<DatagramPacket>> waiting = new HashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong corrupted = new AtomicLong();
    private final List<byte[]> recorded = new CopyOnWriteArrayList<>();
    private final Channel front;
    private volatile Faults faults;
    private volatile double corruptRate;
    private volatile boolean recording;
    private volatile int corruptFrom;

    private DatagramRelay(InetSocketAddress target, Faults faults, long seed) throws InterruptedException {
        this.target = target;
        this.faults = faults;
        this.random = new Random(seed);
        this.front = bootstrap(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                towardsTarget(p.sender(), p.content());
            }
        }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** Starts a relay on the loopback address in front of {@code target}. */
    public static DatagramRelay start(InetSocketAddress target, Faults faults, long seed) throws InterruptedException {
        return new DatagramRelay(target, faults, seed);
    }

    /** Where senders send to reach the target through the relay. */
    public InetSocketAddress address() {
        return (InetSocketAddress) front.localAddress();
    }

    /** Changes the faults from now on. */
    public void faults(Faults faults) {
        this.faults = faults;
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public long duplicated() {
        return duplicated.get();
    }

    public long delayed() {
        return delayed.get();
    }

    public long corrupted() {
        return corrupted.get();
    }

    /**
     * From now on, flips one bit of that share of the datagrams towards the target, at a random
     * offset from {@code from} on (past a header that should stay readable).
     */
    public void corrupt(double rate, int from) {
        this.corruptFrom = from;
        this.corruptRate = rate;
    }

    /** Starts or stops keeping a copy of every datagram towards the target, as it arrives. */
    public void record(boolean on) {
        recording = on;
    }

    /** The copies {@link #record} kept, oldest first. */
    public List<byte[]> recorded() {
        return List.copyOf(recorded);
    }

    /** Every sender seen so far. */
    public Set<InetSocketAddress> senders() {
        return CompletableFuture.supplyAsync(() -> Set.copyOf(backs.keySet()), front.eventLoop()).join();
    }

    /** Sends {@code datagram} to the target from {@code sender}'s port: the target takes it for that sender's. */
    public void injectAsSender(InetSocketAddress sender, byte[] datagram) {
        CompletableFuture.runAsync(() -> backs.get(sender).writeAndFlush(
                new DatagramPacket(Unpooled.wrappedBuffer(datagram), target)), front.eventLoop()).join();
    }

    /** Sends {@code datagram} to {@code sender} from the relay's front: the sender takes it for the target's. */
    public void injectAsTarget(InetSocketAddress sender, byte[] datagram) {
        front.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), sender)).syncUninterruptibly();
    }

    private Bootstrap bootstrap(SimpleChannelInboundHandler<DatagramPacket> handler) {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, BUFFER)
                .option(ChannelOption.SO_SNDBUF, BUFFER)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_536))
                .handler(handler);
    }

    private void towardsTarget(InetSocketAddress sender, ByteBuf original) {
        if (recording) {
            recorded.add(ByteBufUtil.getBytes(original));
        }
        ByteBuf content = original;
        if (corruptRate > 0 && original.readableBytes() > corruptFrom && random.nextDouble() < corruptRate) {
            corrupted.incrementAndGet();
            content = Unpooled.copiedBuffer(original);
            int at = corruptFrom + random.nextInt(content.readableBytes() - corruptFrom);
            content.setByte(at, content.getByte(at) ^ (1 << random.nextInt(8)));
            try {
                forward(sender, content);
            } finally {
                content.release();
            }
            return;
        }
        forward(sender, content);
    }

    private void forward(InetSocketAddress sender, ByteBuf content) {
        Channel back = backs.get(sender);
        if (back != null) {
            mistreat(back, content, target);
            return;
        }
        List<DatagramPacket> queue = waiting.get(sender);
        if (queue != null) {
            queue.add(new DatagramPacket(content.retain(), target));
            return;
        }
        // First datagram from this sender: open its own port towards the target.
        waiting.put(sender, new ArrayList<>(List.of(new DatagramPacket(content.retain(), target))));
        ChannelFuture bound = bootstrap(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                mistreat(front, p.content(), sender);
            }
        }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        bound.addListener(f -> {
            List<DatagramPacket> held = waiting.remove(sender);
            if (!f.isSuccess()) {
                held.forEach(DatagramPacket::release);
                return;
            }
            backs.put(sender, bound.channel());
            for (DatagramPacket p : held) {
                mistreat(bound.channel(), p.content(), target);
                p.release();
            }
        });
    }

    /** Applies the faults to one datagram and sends what survives; does not take {@code content}'s reference. */
    private void mistreat(Channel out, ByteBuf content, InetSocketAddress to) {
        Faults f = faults;
        if (random.nextDouble() < f.drop()) {
            dropped.incrementAndGet();
            return;
        }
        int copies = 1;
        if (random.nextDouble() < f.duplicate()) {
            copies = 2;
            duplicated.incrementAndGet();
        }
        for (int i = 0; i < copies; i++) {
            DatagramPacket p = new DatagramPacket(content.retainedDuplicate(), to);
            long maxMicros = f.maxDelay().toNanos() / 1000;
            if (maxMicros > 0 && random.nextDouble() < f.delay()) {
                delayed.incrementAndGet();
                out.eventLoop().schedule(() -> send(out, p), 1 + (long) (random.nextDouble() * maxMicros),
                        TimeUnit.MICROSECONDS);
            } else {
                send(out, p);
            }
        }
    }

    private void send(Channel out, DatagramPacket p) {
        forwarded.incrementAndGet();
        out.writeAndFlush(p);
    }

    @Override
    public void close() {
        front.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
