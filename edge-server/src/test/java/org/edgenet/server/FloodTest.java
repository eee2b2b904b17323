package org.edgenet.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.LookupPeer;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real server with one connection thread, a device that floods AED and LOOKUP_PEER requests
 * without reading a reply, and an honest device on the same thread. With a hundred devices
 * joined, each 8-byte AED request asks for a 5 KB reply: the attack that made the server queue
 * gigabytes before it stopped reading connections whose replies were unread.
 */
class FloodTest {
    private static final int OTHERS = 100;
    private static final int FLOOD = 200_000;
    private static final int HONEST_REQUESTS = 500;
    /** No progress for this long means the server stopped taking the flooder's requests. */
    private static final Duration STALL = Duration.ofSeconds(2);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    private EdgeServer server;
    private final List<Device> devices = new ArrayList<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        background.shutdownNow();
        for (Device d : devices) {
            d.closeQuietly();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(Duration replyTimeout) throws Exception {
        String others = IntStream.range(0, OTHERS).mapToObj(i -> "device-" + i + " pw" + i + "\n")
                .collect(Collectors.joining());
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS + others);
        server = EdgeServer.start(ServerConfig.in(dir).port(0).bindAddress(LOOPBACK)
                .ioThreads(1).replyTimeout(replyTimeout).build());
        for (int i = 0; i < OTHERS; i++) {
            join(new Device(false), "device-" + i, "pw" + i);
        }
    }

    private Device join(Device d, String name, String password) throws IOException {
        d.send(new Login(DeviceName.of(name), password));
        assertEquals(new LoginReply(LoginStatus.WELCOME), d.receive(), name);
        d.send(new RegisterUdp(9000));
        assertInstanceOf(Joined.class, d.receive(), name);
        return d;
    }

    /** A device on a blocking socket channel; a flooder gets small socket buffers. */
    private final class Device {
        final SocketChannel channel;
        final DataInputStream in;
        int lastFrameLength;

        Device(boolean flooder) throws IOException {
            channel = SocketChannel.open();
            if (flooder) {
                // Its replies fill the path to it at once, so the server meets its high-water mark.
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
            }
            channel.connect(new InetSocketAddress(LOOPBACK, server.port()));
            channel.socket().setSoTimeout(10_000);
            in = new DataInputStream(channel.socket().getInputStream());
            devices.add(this);
        }

        void send(Message m) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(frameOf(m));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        Message receive() throws IOException {
            byte[] header = new byte[WireFormat.HEADER_LENGTH];
            in.readFully(header);
            int length = ByteBuffer.wrap(header, WireFormat.LENGTH_OFFSET, 4).getInt();
            byte[] frame = Arrays.copyOf(header, header.length + length);
            in.readFully(frame, header.length, length);
            lastFrameLength = frame.length;
            return MessageCodec.decode(Unpooled.wrappedBuffer(frame));
        }

        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do.
            }
        }
    }

    private static byte[] frameOf(Message m) {
        ByteBuf buf = Unpooled.buffer();
        try {
            MessageCodec.encode(m, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** AED and LOOKUP_PEER requests, one after another, as one block of bytes. */
    private static ByteBuffer flood() {
        byte[] aed = frameOf(new ListActive());
        byte[] lookup = frameOf(new LookupPeer(DeviceName.of("device-7")));
        ByteBuffer b = ByteBuffer.allocate(FLOOD / 2 * (aed.length + lookup.length));
        for (int i = 0; i < FLOOD / 2; i++) {
            b.put(aed).put(lookup);
        }
        return b.flip();
    }

    /** What the flooder managed to send before the server stopped taking its requests. */
    private record Flooded(long written, long total, boolean stalled) {
    }

    /** Writes without blocking; gives up when the server takes nothing for {@link #STALL}. */
    private static Flooded flood(SocketChannel ch) throws IOException {
        ByteBuffer data = flood();
        long total = data.remaining();
        ch.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_WRITE);
            long lastProgress = System.nanoTime();
            long deadline = lastProgress + DEADLINE.toNanos();
            while (data.hasRemaining()) {
                long now = System.nanoTime();
                if (ch.write(data) > 0) {
                    lastProgress = now;
                } else if (now - lastProgress > STALL.toNanos()) {
                    return new Flooded(total - data.remaining(), total, true);
                } else if (now > deadline) {
                    break;
                } else {
                    selector.select(100);
                    selector.selectedKeys().clear();
                }
            }
        }
        return new Flooded(total - data.remaining(), total, false);
    }

    /** Reads what is left until the server's close shows; false if the socket stays open. */
    private static boolean closedByServer(Device d) {
        byte[] sink = new byte[64 * 1024];
        try {
            InputStream in = d.channel.socket().getInputStream();
            while (in.read(sink) >= 0) {
                // Replies made before the cut-off, if any reached the socket.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset: the server closed with the flood unread in its socket.
            return true;
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    @Test
    void aFlooderThatReadsNothingIsPacedWhileAnHonestDeviceOnTheSameThreadIsServed() throws Exception {
        // Long enough that the flooder stays connected, however slow the machine, until the end.
        start(Duration.ofMinutes(10));
        Device honest = join(new Device(false), "superwristband", "davidpass");
        Device flooder = join(new Device(true), "supersmartwatch", "comp9331");

        Future<Flooded> flooding = background.submit(() -> flood(flooder.channel));
        long[] latencies = new long[HONEST_REQUESTS];
        long maxQueued = 0;
        int largestReply = 0;
        long started = System.nanoTime();
        for (int i = 0; i < HONEST_REQUESTS; i++) {
            long sent = System.nanoTime();
            if (i % 2 == 0) {
                honest.send(new ListActive());
                ActiveDevices list = assertInstanceOf(ActiveDevices.class, honest.receive(), "AED " + i);
                assertEquals(OTHERS + 1, list.devices().size(), "every other device listed");
            } else {
                honest.send(new LookupPeer(DeviceName.of("device-3")));
                Peer peer = assertInstanceOf(Peer.class, honest.receive(), "lookup " + i);
                assertEquals("device-3 127.0.0.1 9000", peer.device() + " " + peer.ip() + " " + peer.udpPort(),
                        "lookup " + i);
            }
            latencies[i] = System.nanoTime() - sent;
            largestReply = Math.max(largestReply, honest.lastFrameLength);
            maxQueued = Math.max(maxQueued, server.maxQueuedReplyBytes());
        }
        Duration honestTook = Duration.ofNanos(System.nanoTime() - started);
        Flooded flooded = flooding.get(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS);
        maxQueued = Math.max(maxQueued, server.maxQueuedReplyBytes());

        Arrays.sort(latencies);
        System.out.printf("Honest device: %d requests in %d ms during the flood;"
                + " p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                HONEST_REQUESTS, honestTook.toMillis(), percentile(latencies, 0.50) / 1e6,
                percentile(latencies, 0.99) / 1e6, latencies[latencies.length - 1] / 1e6);
        System.out.printf("Flooder: sent %,d of %,d bytes before the server stopped taking them;"
                + " most replies queued for one connection: %,d bytes (one reply up to %,d)%n",
                flooded.written(), flooded.total(), maxQueued, largestReply);
        assertTrue(honestTook.compareTo(DEADLINE) < 0, "the honest device was served in time: " + honestTook);
        assertTrue(flooded.stalled(), "the server stopped reading the flooder: " + flooded);
        assertTrue(flooded.written() < flooded.total(), "so most of the flood was never taken: " + flooded);
        long bound = EdgeServer.REPLY_WATER_MARK.high() + largestReply + 1024;
        assertTrue(maxQueued <= bound, "queued replies stay within the high-water mark and one reply: "
                + maxQueued + " > " + bound);

        honest.send(new ListActive());
        assertInstanceOf(ActiveDevices.class, honest.receive(), "still served after the flood");
    }

    @Test
    void aFlooderThatNeverReadsIsDisconnectedAndLeavesTheActiveDevices() throws Exception {
        start(Duration.ofSeconds(1));
        Device honest = join(new Device(false), "superwristband", "davidpass");
        Device flooder = join(new Device(true), "supersmartwatch", "comp9331");

        Future<Flooded> flooding = background.submit(() -> flood(flooder.channel));

        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            honest.send(new ListActive());
            List<DeviceInfo> listed = assertInstanceOf(ActiveDevices.class, honest.receive()).devices();
            if (listed.stream().noneMatch(d -> d.name().equals(DeviceName.of("supersmartwatch")))) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the flooder was never disconnected");
        }
        try {
            flooding.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertInstanceOf(IOException.class, e.getCause(), "the flooder's writes fail once it is cut off");
        }
        flooder.channel.configureBlocking(true);
        assertTrue(closedByServer(flooder), "the server closed the flooder's connection");
        assertEquals(OTHERS + 1, Files.readAllLines(dir.resolve("edge-device-log.txt")).size(),
                "the device log no longer lists the flooder");
    }
}
