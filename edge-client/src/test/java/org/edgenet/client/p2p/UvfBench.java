package org.edgenet.client.p2p;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.common.testing.DatagramRelay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Measures UVF by hand in one JVM (not a test): audience, a lossy relay and presenter,
 * <pre>
 *   java -cp ... org.edgenet.client.p2p.UvfBench 0.05 /tmp/out/big.bin /tmp/in
 * </pre>
 * prints the goodput. Between two devices in two JVMs, use the client itself: the server vouches
 * for each transfer with a ticket, so both ends need their connection to it.
 */
public final class UvfBench {
    /** {@code -Duvf.windowMiB=8 -Duvf.payload=60000} try other settings without a rebuild. */
    private static final PeerOptions OPTIONS = PeerOptions.DEFAULTS
            .withWindowBytes(Integer.getInteger("uvf.windowMiB", 4) * 1024 * 1024)
            .withMaxLocalPayload(Integer.getInteger("uvf.payload", PeerOptions.DEFAULTS.maxLocalPayload()));

    private UvfBench() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            lossy(group, Double.parseDouble(args[0]), Path.of(args[1]), Path.of(args[2]));
        } finally {
            group.shutdownGracefully().syncUninterruptibly();
        }
    }

    /** Audience, relay with {@code loss} (plus some duplication and reordering) and presenter in one JVM. */
    private static void lossy(EventLoopGroup group, double loss, Path file, Path into) throws Exception {
        CountDownLatch stored = new CountDownLatch(1);
        try (PeerNode audience = PeerNode.bind(group, 0, into, (f, p, s) -> stored.countDown(), OPTIONS);
             PeerNode presenter = PeerNode.bind(group, 0, file.toAbsolutePath().getParent(), (f, p, s) -> { }, OPTIONS);
             DatagramRelay relay = DatagramRelay.start(
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), audience.udpPort()),
                     DatagramRelay.Faults.lossy(loss), 1)) {
            long size = Files.size(file);
            long start = System.nanoTime();
            presenter.send(relay.address(), file, PeerTransferTest.vouch(audience, "bench")).get();
            double seconds = (System.nanoTime() - start) / 1e9;
            stored.await();
            System.out.printf("loss %.0f %%: sent %d bytes in %.2f s: %.1f MB/s (relay dropped %d of %d)%n",
                    loss * 100, size, seconds, size / seconds / 1e6, relay.dropped(), relay.forwarded() + relay.dropped());
        }
    }
}
