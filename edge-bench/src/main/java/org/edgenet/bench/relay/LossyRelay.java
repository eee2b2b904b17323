package org.edgenet.bench.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP hop that drops a fixed share of datagrams, in both directions, chosen by a seeded random
 * generator so that a run can be repeated exactly. Whatever reaches {@link #address()} from a
 * sender goes on to the target; whatever the target sends back goes to the last sender seen.
 * Each datagram is dropped or forwarded whole, never reordered or altered, so the measured cost is
 * that of loss alone.
 */
public final class LossyRelay implements AutoCloseable {
    private final DatagramChannel channel;
    private final InetSocketAddress target;
    private final double loss;
    private final SplittableRandom random;
    private final Thread worker;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile SocketAddress sender;

    public LossyRelay(InetSocketAddress target, double loss, long seed) throws IOException {
        if (loss < 0 || loss >= 1) {
            throw new IllegalArgumentException("loss must be in [0, 1): " + loss);
        }
        this.target = target;
        this.loss = loss;
        this.random = new SplittableRandom(seed);
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        worker = new Thread(this::run, "lossy-relay");
        worker.setDaemon(true);
        worker.start();
    }

    /** Where senders send instead of the target. */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (true) {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                buf.flip();
                SocketAddress to;
                if (from.equals(target)) {
                    to = sender;
                } else {
                    sender = from;
                    to = target;
                }
                if (to == null || random.nextDouble() < loss) {
                    dropped.incrementAndGet();
                    continue;
                }
                try {
                    channel.send(buf, to);
                    forwarded.incrementAndGet();
                } catch (IOException e) {
                    // An unreachable peer is just one more lost datagram.
                    dropped.incrementAndGet();
                }
            }
        } catch (ClosedChannelException e) {
            // close() ends the relay.
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
