package org.edgenet.client.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.AckMessages;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.BodyFields;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.ContactsReceived;
import org.edgenet.common.message.Delete;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.GetTempId;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.Leave;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.LookupPeer;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.MessagePosted;
import org.edgenet.common.message.MessagesAcked;
import org.edgenet.common.message.Notice;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.PostMessage;
import org.edgenet.common.message.ReadMessages;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.TempIdIssued;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.message.UploadContacts;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.wire.Limits;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A device's connection to the server. Never blocks: every request returns a future, so thousands
 * of clients can share one event loop group. Requests made before the previous reply arrived
 * wait their turn in order. Futures complete on the channel's event loop; callers that block or do
 * slow work in a callback should move to their own executor first.
 *
 * <pre>{@code
 * EdgeClient.connect(group, "127.0.0.1", 4000)
 *     .thenCompose(c -> c.login(DeviceName.of("supersmartwatch"), "comp9331").thenApply(s -> c)) ...
 * }</pre>
 */
public final class EdgeClient implements ServerLink, AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Channel channel;
    private final ResponseHandler responses;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private EdgeClient(Channel channel) {
        this.channel = channel;
        this.responses = channel.pipeline().get(ResponseHandler.class);
        if (responses == null) {
            throw new IllegalArgumentException("the channel has no " + ClientInitializer.class.getSimpleName() + " pipeline");
        }
        channel.closeFuture().addListener(f -> closeFuture.complete(null));
    }

    /**
     * Connects to {@code host:port}. A host name is resolved by Netty's default resolver, which
     * blocks an event loop thread; load generators should pass a resolved address instead.
     */
    public static CompletableFuture<EdgeClient> connect(EventLoopGroup group, String host, int port) {
        return connect(group, InetSocketAddress.createUnresolved(host, port));
    }

    /**
     * Connects to the server. Fails with the connect error ({@link java.net.ConnectException},
     * {@link java.net.UnknownHostException}, ...) when there is no server at that address.
     */
    public static CompletableFuture<EdgeClient> connect(EventLoopGroup group, SocketAddress server) {
        return connect(group, server, null);
    }

    /**
     * Connects to the server with TLS, unless {@code tls} is null, and completes once the
     * handshake is done. Fails with {@link TlsFailedException} when it is not.
     */
    public static CompletableFuture<EdgeClient> connect(EventLoopGroup group, SocketAddress server, ClientTls tls) {
        int port = server instanceof InetSocketAddress a ? a.getPort() : 0;
        CompletableFuture<EdgeClient> result = new CompletableFuture<>();
        new Bootstrap().group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                // Room for a few upload chunks in flight; beyond that the upload waits.
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(128 * 1024, 256 * 1024))
                .handler(new ClientInitializer(Limits.CLIENT, ClientInitializer.KEEP_ALIVE_INTERVAL, tls, port))
                .connect(server)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        result.completeExceptionally(f.cause());
                    } else if (tls == null) {
                        result.complete(new EdgeClient(f.channel()));
                    } else {
                        f.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                            if (h.isSuccess()) {
                                result.complete(new EdgeClient(f.channel()));
                            } else {
                                f.channel().close();
                                String refusal = f.channel().attr(PlainRefusalDetector.REFUSAL).get();
                                result.completeExceptionally(refusal != null ? TlsFailedException.refused(refusal)
                                        : TlsFailedException.of(h.cause()));
                            }
                        });
                    }
                });
        return result;
    }

    /** Wraps a channel whose pipeline {@link ClientInitializer} built, e.g. an embedded one in tests. */
    public static EdgeClient on(Channel channel) {
        return new EdgeClient(channel);
    }

    @Override
    public CompletableFuture<LoginStatus> login(DeviceName device, String password) {
        if (!fitsOnWire(password)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("password too long"));
        }
        return send(new Login(device, password), LoginReply.class, LoginReply::status);
    }

    @Override
    public CompletableFuture<Joined> registerUdp(int udpPort) {
        return send(new RegisterUdp(udpPort), Joined.class, Function.identity());
    }

    @Override
    public CompletableFuture<List<DeviceInfo>> listActive() {
        return send(new ListActive(), ActiveDevices.class, ActiveDevices::devices);
    }

    /**
     * Streams {@code file} to the server as data file {@code fileId}; never holds the whole file.
     * The file is opened on the calling thread; chunks are read from the page cache by
     * {@link io.netty.handler.stream.ChunkedNioFile} as the socket drains.
     */
    @Override
    public CompletableFuture<Uploaded> upload(FileId fileId, Path file) {
        return upload(fileId, file, UploadProgress.NONE);
    }

    @Override
    public CompletableFuture<Uploaded> upload(FileId fileId, Path file, UploadProgress progress) {
        UploadStream stream;
        try {
            stream = new UploadStream(fileId, FileChannel.open(file, StandardOpenOption.READ), progress);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(new UploadExchange(stream));
    }

    @Override
    public CompletableFuture<Computed> compute(FileId fileId, Operation operation) {
        return send(new Compute(fileId, operation), Computed.class, Function.identity());
    }

    @Override
    public CompletableFuture<Deleted> delete(FileId fileId) {
        return send(new Delete(fileId), Deleted.class, Function.identity());
    }

    @Override
    public CompletableFuture<Peer> lookupPeer(DeviceName device) {
        return send(new LookupPeer(device), Peer.class, Function.identity());
    }

    @Override
    public CompletableFuture<Downloaded> download(FileId fileId, Path target, DownloadProgress progress) {
        return download(fileId, target, progress, DownloadFile.DISK);
    }

    /** As {@link #download(FileId, Path, DownloadProgress)}, with the disk steps a test decides. */
    CompletableFuture<Downloaded> download(FileId fileId, Path target, DownloadProgress progress,
                                           DownloadFile.Disk disk) {
        return submit(new DownloadExchange(fileId, target, progress, disk));
    }

    /** OUT: the server confirms and closes the connection. */
    @Override
    public CompletableFuture<Left> leave() {
        return send(new Leave(), Left.class, Function.identity());
    }

    /**
     * Hands every ticket the server pushes to {@code listener}, on the connection's event loop: the
     * device's {@code PeerNode} then accepts the transfer the ticket vouches for.
     */
    public void onTicket(Consumer<Ticket> listener) {
        responses.onTicket(listener);
    }

    @Override
    public CompletableFuture<MessagePosted> postMessage(DeviceName recipient, String text) {
        if (!fitsOnWire(text)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("text too long"));
        }
        return send(new PostMessage(recipient, text), MessagePosted.class, Function.identity());
    }

    @Override
    public CompletableFuture<MessageBatch> readMessages(int max) {
        if (max < 1 || max > 255) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("1 to 255 messages, not " + max));
        }
        return send(new ReadMessages(max), MessageBatch.class, Function.identity());
    }

    @Override
    public CompletableFuture<Integer> ackMessages(long upToId) {
        return send(new AckMessages(upToId), MessagesAcked.class, MessagesAcked::waiting);
    }

    @Override
    public CompletableFuture<TempIdWindow> tempId() {
        return send(new GetTempId(), TempIdIssued.class, TempIdIssued::window);
    }

    @Override
    public CompletableFuture<Integer> uploadContacts(List<TempIdWindow> entries) {
        if (entries.size() > UploadContacts.MAX_ENTRIES) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("at most " + UploadContacts.MAX_ENTRIES
                    + " entries, not " + entries.size()));
        }
        return send(new UploadContacts(entries), ContactsReceived.class, ContactsReceived::count);
    }

    @Override
    public void onNotice(Consumer<Notice> listener) {
        responses.onNotice(listener);
    }

    @Override
    public Duration waitingForReply() {
        return responses.waitingForReply();
    }

    @Override
    public Optional<ServerError> farewell() {
        return responses.farewell();
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    /** The server's address, or null once unknown. */
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    public void close() {
        channel.close();
    }

    private <R extends Message, T> CompletableFuture<T> send(Message request, Class<R> replyType, Function<R, T> result) {
        return submit(new ReplyExchange<>(request, replyType, result));
    }

    private <T> CompletableFuture<T> submit(Exchange<T> exchange) {
        try {
            // Always through the queue of the event loop, even from it: a callback of the previous
            // future then never sees its own exchange still current.
            channel.eventLoop().execute(() -> responses.submit(exchange));
        } catch (RejectedExecutionException e) {
            exchange.abandon(new ConnectionLostException("the client is shut down", e));
        }
        return exchange.result;
    }

    private static boolean fitsOnWire(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length <= BodyFields.MAX_STRING_BYTES;
    }
}
