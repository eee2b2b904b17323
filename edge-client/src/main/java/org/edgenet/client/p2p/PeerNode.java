package org.edgenet.client.p2p;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.trace.Beacon;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A device's end of peer-to-peer transfers (UVF): the audience side listens on the device's
 * registered UDP port; the presenter side sends from a port the OS chooses. File reads and writes
 * run on a small disk executor of this node, never on an event loop. The protocol is described in
 * {@code docs/UVF-PROTOCOL.md} and on the datagram records of {@code org.edgenet.common.p2p}.
 */
public final class PeerNode implements AutoCloseable {
    static final String DECODER = "decoder";
    static final String AUDIENCE = "audience";
    static final String PRESENTER = "presenter";
    static final String BEACONS = "beacons";
    /** Big socket buffers absorb a window's burst; the kernel caps them at its own maximum. */
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;
    /** Every datagram fits: a smaller receive buffer would silently cut a large one short. */
    private static final int RECEIVE_BUFFER = 65_536;

    private final Channel audience;
    private final Channel presenter;
    private final PresenterHandler presenterHandler;
    private final AudienceHandler audienceHandler;
    private static final Logger log = LoggerFactory.getLogger(PeerNode.class);

    private final ExecutorService disk;
    private final PeerContext context;
    private final Path directory;
    private final SecureRandom random = new SecureRandom();

    private PeerNode(Channel audience, Channel presenter, AudienceHandler audienceHandler,
                     PresenterHandler presenterHandler, ExecutorService disk, PeerContext context, Path directory) {
        this.directory = directory;
        this.audience = audience;
        this.presenter = presenter;
        this.presenterHandler = presenterHandler;
        this.audienceHandler = audienceHandler;
        this.disk = disk;
        this.context = context;
    }

    /**
     * Binds the audience side to {@code udpPort} on every interface.
     *
     * @throws java.net.BindException when the port is taken
     */
    public static PeerNode bind(EventLoopGroup group, int udpPort, Path directory, TransferEvents events)
            throws Exception {
        return bind(group, udpPort, directory, events, PeerOptions.DEFAULTS);
    }

    /** As {@link #bind(EventLoopGroup, int, Path, TransferEvents)}, with chosen time-outs and windows. */
    public static PeerNode bind(EventLoopGroup group, int udpPort, Path directory, TransferEvents events,
                                PeerOptions options) throws Exception {
        return bind(group, udpPort, directory, events, options, null);
    }

    /**
     * As {@link #bind(EventLoopGroup, int, Path, TransferEvents, PeerOptions)}, with {@code beacons}
     * first on the audience port: it takes the contact-tracing beacons and passes UVF datagrams on.
     */
    public static PeerNode bind(EventLoopGroup group, int udpPort, Path directory, TransferEvents events,
                                PeerOptions options, ChannelHandler beacons) throws Exception {
        removeLeftovers(directory, events);
        DropCounter drops = new DropCounter();
        ExecutorService disk = newDiskExecutor();
        PeerContext context = new PeerContext(options, disk, events, drops);
        UvfDecoder decoder = new UvfDecoder(drops);
        Channel audience = null;
        try {
            AudienceHandler audienceHandler = new AudienceHandler(directory, context);
            ChannelInitializer<Channel> audiencePipeline = pipeline(decoder, AUDIENCE, audienceHandler);
            audience = datagramBootstrap(group).handler(beacons == null ? audiencePipeline : new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(BEACONS, beacons).addLast(audiencePipeline);
                }
            }).bind(udpPort).sync().channel();
            PresenterHandler presenterHandler = new PresenterHandler(drops);
            Channel presenter = datagramBootstrap(group).handler(pipeline(decoder, PRESENTER, presenterHandler))
                    .bind(0).sync().channel();
            return new PeerNode(audience, presenter, audienceHandler, presenterHandler, disk, context, directory);
        } catch (Exception e) {
            if (audience != null) {
                audience.close().syncUninterruptibly();
            }
            disk.shutdown();
            throw e;
        }
    }

    private static ChannelInitializer<Channel> pipeline(UvfDecoder decoder, String name, ChannelHandler handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(DECODER, decoder).addLast(name, handler);
            }
        };
    }

    private static Bootstrap datagramBootstrap(EventLoopGroup group) {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER));
    }

    /**
     * Disk work of all this node's transfers. The queue needs no bound of its own: each transfer
     * keeps at most one task queued at a time, incoming transfers exist only for OFFERs that prove a
     * ticket the server issued (at most 256 held), and outgoing ones only for the user's UVF commands.
     */
    private static ExecutorService newDiskExecutor() {
        int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                // Unbounded on purpose, yet the network cannot grow it: at most one task per transfer,
                // and transfers are bounded (above); forged datagrams queue nothing here.
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("uvf-disk", true)); // one task per transfer
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public int udpPort() {
        return ((InetSocketAddress) audience.localAddress()).getPort();
    }

    /** Datagrams this node dropped as bad, on both its ports. */
    public DropCounter drops() {
        return context.drops();
    }

    /**
     * The server vouches for a transfer to this device: from now on, for the ticket's lifetime, one
     * OFFER sealed with its key is let in. Any thread; the ticket is held when this returns.
     */
    public void admit(Ticket ticket) {
        audienceHandler.admit(ticket);
    }

    /**
     * Sends {@code file} to the audience at {@code address} under {@code ticket}, which names the
     * presenter (this device) and the audience. Completes when the audience has the whole file and
     * confirmed its checksum; fails with a {@link TransferFailedException} whose message is a plain
     * sentence.
     */
    public CompletableFuture<Void> send(InetSocketAddress address, Path file, Ticket ticket) {
        Path name = file.getFileName();
        if (name == null) {
            return failed("there is no file to send");
        }
        String fileName = name.toString();
        if (!Files.exists(file)) {
            return failed("the file " + fileName + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            return failed(fileName + " is not a regular file");
        }
        Optional<String> refusal = FileNames.refusal(ticket.presenter().value(), fileName);
        if (refusal.isPresent()) {
            return failed(refusal.get());
        }
        if (address.isUnresolved()) {
            return failed("the address of " + ticket.audience() + " is unknown");
        }
        FileChannel channel;
        long size;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            size = channel.size();
        } catch (IOException e) {
            return failed("the file " + fileName + " cannot be read: " + e.getMessage());
        }
        long id = random.nextLong();
        OutgoingTransfer[] self = new OutgoingTransfer[1];
        OutgoingTransfer t = new OutgoingTransfer(id, address, new OutgoingFile(channel, size, fileName), ticket,
                context, this.presenter, () -> presenterHandler.remove(self[0]));
        self[0] = t;
        try {
            this.presenter.eventLoop().execute(() -> presenterHandler.start(t));
        } catch (RejectedExecutionException e) {
            closeQuietly(channel);
            return failed("the device is closing");
        }
        return t.future;
    }

    /**
     * Sends one contact-tracing beacon to {@code to} from the presenter's port (one the OS chose,
     * as 002 has it); completes once the datagram is written to the socket.
     */
    public CompletableFuture<Void> sendBeacon(InetSocketAddress to, Beacon beacon) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        if (to.isUnresolved()) {
            sent.completeExceptionally(new IllegalArgumentException("the address " + to.getHostString()
                    + " is unknown"));
            return sent;
        }
        presenter.writeAndFlush(new DatagramPacket(beacon.encode(presenter.alloc()), to)).addListener(f -> {
            if (f.isSuccess()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(f.cause());
            }
        });
        return sent;
    }

    private static void awaitQuietly(CompletableFuture<Void> stopped) {
        try {
            stopped.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The event loop is gone or stuck: nothing more can be cleaned up from here.
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Only read from: nothing to lose.
        }
    }

    private static CompletableFuture<Void> failed(String message) {
        return CompletableFuture.failedFuture(new TransferFailedException(message));
    }

    /**
     * Stops both sides: outgoing transfers fail, incoming ones are dropped and their temp files
     * deleted before this returns. Blocks, so never call it on an event loop.
     */
    @Override
    public void close() {
        presenter.close().syncUninterruptibly();
        audience.close().syncUninterruptibly();
        // channelInactive runs in a task the close queues after its future completes: wait for the
        // handlers to have queued their aborts, so that the disk executor finishes them before it stops.
        awaitQuietly(presenterHandler.stopped);
        awaitQuietly(audienceHandler.stopped);
        disk.shutdown();
        try {
            // Lets queued aborts delete their temp files before the caller goes on.
            disk.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeLeftovers(directory, context.events());
    }

    /** Deletes partial files no live transfer owns, and says so. */
    private static void removeLeftovers(Path directory, TransferEvents events) {
        PartFiles.Removed removed = PartFiles.removeLeftovers(directory);
        if (removed.files() > 0) {
            log.info("Removed {} partial file(s) of interrupted transfers from {} ({} bytes)", removed.files(),
                    directory.toAbsolutePath().normalize(), removed.bytes());
            events.leftoversRemoved(removed.files(), removed.bytes());
        }
    }
}
