package org.edgenet.bench.baseline;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The unreliable ceiling for UVF: the same bytes sent as fast as the socket takes them, in
 * datagrams of UVF's payload size, with no acknowledgement, no retransmission and no pacing. The
 * receiver writes what arrives to a file. What arrived and how fast is the result: the speed UVF
 * could reach if loss cost nothing, and the loss a sender without flow control causes itself.
 */
public final class UdpBlast {
    /** The receiver stops once nothing has arrived for this long after the sender finished. */
    private static final long QUIET_MILLIS = 300;

    private UdpBlast() {
    }

    /**
     * One blast's outcome. {@code seconds} runs from the first send to the last arrival.
     */
    public record Result(long sentBytes, long arrivedBytes, long sentDatagrams, long arrivedDatagrams,
                         double seconds) {
        public double arrivedFraction() {
            return sentBytes == 0 ? 0 : (double) arrivedBytes / sentBytes;
        }

        public double megabytesPerSecond() {
            return arrivedBytes / 1e6 / seconds;
        }
    }

    /** A receiver bound to loopback; {@link #address()} is where to send (or where a relay forwards). */
    public static final class Receiver implements AutoCloseable {
        private final DatagramChannel channel;
        private final Path target;

        public Receiver(Path target) throws IOException {
            this.target = target;
            channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        public InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Sends {@code source} to {@code to} (the receiver, or a relay in front of it) in datagrams of
     * {@code payload} bytes and counts what reaches {@code receiver}.
     */
    public static Result blast(Path source, Receiver receiver, InetSocketAddress to, int payload)
            throws IOException {
        receiver.channel.configureBlocking(false);
        long[] arrived = new long[3];
        CompletableFuture<Void> sent = new CompletableFuture<>();
        CompletableFuture<Void> receiving = CompletableFuture.runAsync(() -> receive(receiver, sent, arrived));
        long start = System.nanoTime();
        long sentBytes = 0;
        long sentDatagrams = 0;
        try (DatagramChannel out = DatagramChannel.open();
             FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            out.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            out.connect(to);
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            while (in.read(chunk) > 0) {
                chunk.flip();
                while (chunk.hasRemaining()) {
                    int n = Math.min(payload, chunk.remaining());
                    ByteBuffer d = chunk.slice(chunk.position(), n);
                    // Loopback may refuse a datagram while the receiver's queue is full: that is loss, move on.
                    try {
                        out.write(d);
                    } catch (java.net.PortUnreachableException ignored) {
                        // The peer's socket refused it; counted as not arrived.
                    }
                    chunk.position(chunk.position() + n);
                    sentBytes += n;
                    sentDatagrams++;
                }
                chunk.clear();
            }
        } finally {
            sent.complete(null);
        }
        try {
            receiving.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("UDP receiver failed: " + e.getMessage(), e);
        }
        long lastArrival = arrived[2] == 0 ? System.nanoTime() : arrived[2];
        return new Result(sentBytes, arrived[0], sentDatagrams, arrived[1], Math.max(1e-9, (lastArrival - start) / 1e9));
    }

    private static void receive(Receiver receiver, CompletableFuture<Void> sent, long[] arrived) {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try (Selector selector = Selector.open();
             FileChannel file = FileChannel.open(receiver.target, StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            receiver.channel.register(selector, SelectionKey.OP_READ);
            long quietSince = System.nanoTime();
            boolean senderDone = false;
            while (true) {
                selector.select(50);
                selector.selectedKeys().clear();
                buf.clear();
                while (receiver.channel.receive(buf) != null) {
                    buf.flip();
                    arrived[0] += buf.remaining();
                    arrived[1]++;
                    arrived[2] = System.nanoTime();
                    file.write(buf);
                    quietSince = arrived[2];
                    buf.clear();
                }
                if (!senderDone && sent.isDone()) {
                    senderDone = true;
                    quietSince = Math.max(quietSince, System.nanoTime());
                }
                if (senderDone && System.nanoTime() - quietSince > QUIET_MILLIS * 1_000_000) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
