package org.edgenet.client.net;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Uploaded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a device can ask the server, one request at a time. Every future completes exceptionally
 * with {@link ServerError} when the server refuses the request and with
 * {@link ConnectionLostException} when the connection ends first.
 */
public interface ServerLink {
    CompletableFuture<LoginStatus> login(DeviceName device, String password);

    CompletableFuture<Joined> registerUdp(int udpPort);

    CompletableFuture<List<DeviceInfo>> listActive();

    CompletableFuture<Uploaded> upload(FileId fileId, Path file);

    CompletableFuture<Computed> compute(FileId fileId, Operation operation);

    CompletableFuture<Deleted> delete(FileId fileId);

    CompletableFuture<Peer> lookupPeer(DeviceName device);

    CompletableFuture<Left> leave();

    /**
     * How long the server has owed the reply to the request in flight, counted from when the
     * request was fully sent (for UED, from the end of the file); zero when no reply is owed.
     */
    Duration waitingForReply();

    /** Completes when the connection is closed, by either side. */
    CompletableFuture<Void> closeFuture();

    /** Closes the connection; pending requests fail with {@link ConnectionLostException}. */
    void close();
}
