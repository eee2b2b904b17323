package org.edgenet.bench.load;

import io.netty.channel.EventLoopGroup;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.net.ServerError;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.Operation;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One simulated device of the load generator: a joined {@link EdgeClient} and its name. Nothing
 * here blocks, so thousands of devices share the bench's event loop; the client library does all
 * the protocol work, exactly as the console uses it.
 */
public final class Device {
    private final String name;
    private final EdgeClient client;

    private Device(String name, EdgeClient client) {
        this.name = name;
        this.client = client;
    }

    /** Connects, logs in and registers {@code udpPort}: completes once the server says Joined. */
    public static CompletableFuture<Device> join(EventLoopGroup group, InetSocketAddress server, String name,
                                                 String password, int udpPort) {
        DeviceName device = DeviceName.of(name);
        return EdgeClient.connect(group, server).thenCompose(client -> client.login(device, password)
                .thenCompose(status -> {
                    if (status != LoginStatus.WELCOME) {
                        client.close();
                        throw new CompletionException(new IllegalStateException(name + " was refused: " + status));
                    }
                    return client.registerUdp(udpPort);
                })
                .whenComplete((joined, e) -> {
                    if (e != null) {
                        client.close();
                    }
                })
                .thenApply(joined -> new Device(name, client)));
    }

    public String name() {
        return name;
    }

    /** AED: every other active device. */
    public CompletableFuture<List<DeviceInfo>> listActive() {
        return client.listActive();
    }

    /** UED: completes with the number of samples the server stored. */
    public CompletableFuture<Long> upload(long fileId, Path file) {
        return client.upload(FileId.of(fileId), file).thenApply(u -> u.dataAmount());
    }

    /** SCS: the server's result as text. */
    public CompletableFuture<String> compute(long fileId, Operation op) {
        return client.compute(FileId.of(fileId), op).thenApply(c -> c.result());
    }

    /** DTE: completes with the number of samples deleted. */
    public CompletableFuture<Long> delete(long fileId) {
        return client.delete(FileId.of(fileId)).thenApply(d -> d.dataAmount());
    }

    /** The server half of UVF: where {@code device} listens. */
    public CompletableFuture<InetSocketAddress> lookupPeer(String device) {
        return client.lookupPeer(DeviceName.of(device)).thenApply(p -> new InetSocketAddress(p.ip(), p.udpPort()));
    }

    /** MSG: completes with the message's id once the server has it on its disk. */
    public CompletableFuture<Long> postMessage(String recipient, String text) {
        return client.postMessage(DeviceName.of(recipient), text).thenApply(p -> p.id());
    }

    /** RDM's first half: the oldest messages waiting, at most {@code max}; removes nothing. */
    public CompletableFuture<MessageBatch> readMessages(int max) {
        return client.readMessages(max);
    }

    /** RDM's second half: the messages up to {@code upToId} were shown; yields how many still wait. */
    public CompletableFuture<Integer> ackMessages(long upToId) {
        return client.ackMessages(upToId);
    }

    /** OUT: completes when the server has confirmed and closed the connection. */
    public CompletableFuture<Void> leave() {
        return client.leave().thenCompose(left -> client.closeFuture());
    }

    /** Closes the connection without OUT, as a device that loses power would. */
    public void drop() {
        client.close();
    }

    /** A failure in one line: the server's error code and message, or the cause's class and message. */
    public static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ServerError s) {
            return "server error " + s.code() + ": " + s.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
