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
 * Measures UVF by hand between two JVMs (not a test):
 * <pre>
 *   java -Xmx128m -cp ... org.edgenet.client.p2p.UvfBench receive 9000 /tmp/in 1
 *   java -Xmx128m -cp ... org.edgenet.client.p2p.UvfBench send 127.0.0.1 9000 /tmp/out/big.bin
 * </pre>
 * The receiver exits after the given number of files; the sender prints its goodput.
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
            if (args[0].equals("lossy")) {
                lossy(group, Double.parseDouble(args[1]), Path.of(args[2]), Path.of(args[3]));
            } else if (args[0].equals("receive")) {
                receive(group, Integer.parseInt(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            } else {
                send(group, new InetSocketAddress(args[1], Integer.parseInt(args[2])), Path.of(args[3]));
            }
        } finally {
            group.shutdownGracefully().syncUninterruptibly();
        }
    }

    private static void receive(EventLoopGroup group, int port, Path dir, int files) throws Exception {
        CountDownLatch left = new CountDownLatch(files);
        TransferEvents events = new TransferEvents() {
            @Override
            public void received(String fileName, String presenter, Path stored) {
                System.out.printf("received %s from %s as %s%n", fileName, presenter, stored);
                left.countDown();
            }

            @Override
            public void receiveFailed(String fileName, String presenter, String reason) {
                System.out.printf("failed %s from %s: %s%n", fileName, presenter, reason);
                left.countDown();
            }
        };
        try (PeerNode node = PeerNode.bind(group, port, dir, events, OPTIONS)) {
            System.out.println("listening on udp " + node.udpPort());
            left.await();
            System.out.printf("dropped bad datagrams: %d, heap used %d MB%n", node.drops().total(),
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
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
            presenter.send(relay.address(), file, "bench").get();
            double seconds = (System.nanoTime() - start) / 1e9;
            stored.await();
            System.out.printf("loss %.0f %%: sent %d bytes in %.2f s: %.1f MB/s (relay dropped %d of %d)%n",
                    loss * 100, size, seconds, size / seconds / 1e6, relay.dropped(), relay.forwarded() + relay.dropped());
        }
    }

    private static void send(EventLoopGroup group, InetSocketAddress to, Path file) throws Exception {
        Path dir = file.toAbsolutePath().getParent();
        try (PeerNode node = PeerNode.bind(group, 0, dir, (f, p, s) -> { }, OPTIONS)) {
            long size = Files.size(file);
            long start = System.nanoTime();
            node.send(to, file, "bench").get();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("sent %d bytes in %.2f s: %.1f MB/s%n", size, seconds, size / seconds / 1e6);
        }
    }
}
