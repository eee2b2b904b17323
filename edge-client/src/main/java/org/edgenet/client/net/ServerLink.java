package org.edgenet.client.net;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.MessagePosted;
import org.edgenet.common.message.Notice;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.trace.TempIdWindow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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

    /** As {@link #upload(FileId, Path)}, telling {@code progress} how much of the file has gone. */
    default CompletableFuture<Uploaded> upload(FileId fileId, Path file, UploadProgress progress) {
        return upload(fileId, file);
    }

    CompletableFuture<Computed> compute(FileId fileId, Operation operation);

    CompletableFuture<Deleted> delete(FileId fileId);

    CompletableFuture<Peer> lookupPeer(DeviceName device);

    CompletableFuture<Left> leave();

    /**
     * DLD: the stored file {@code fileId}, written to {@code target} through a temp file beside it
     * and renamed over it once its size and SHA-256 match the server's. Fails with
     * {@link DownloadFailedException} when this device could not store it; {@code target} is then
     * as it was.
     */
    CompletableFuture<Downloaded> download(FileId fileId, Path target, DownloadProgress progress);

    /** MSG: completes once the message is on the server's disk. */
    CompletableFuture<MessagePosted> postMessage(DeviceName recipient, String text);

    /** RDM: the oldest messages waiting, at most {@code max} (1 to 255); removes nothing. */
    CompletableFuture<MessageBatch> readMessages(int max);

    /** The messages up to {@code upToId} have been shown: yields how many still wait. */
    CompletableFuture<Integer> ackMessages(long upToId);

    /** TID: the device's TempID; the server gives the same one while it is valid. */
    CompletableFuture<TempIdWindow> tempId();

    /**
     * UCL: reports positive with these contact-log entries (at most
     * {@link org.edgenet.common.message.UploadContacts#MAX_ENTRIES}); yields how many the server received.
     */
    CompletableFuture<Integer> uploadContacts(List<TempIdWindow> entries);

    /** Hands every notice the server sends (new message, messages waiting, exposure) to {@code listener}. */
    void onNotice(Consumer<Notice> listener);

    /**
     * How long the server has owed the reply to the request in flight, counted from when the
     * request was fully sent (for UED, from the end of the file); zero when no reply is owed.
     */
    Duration waitingForReply();

    /**
     * The fatal error the server sent before closing the connection, e.g. {@code SERVER_FULL},
     * {@code IDLE_TIMEOUT} or {@code SHUTTING_DOWN}; empty while it is open or when it said nothing.
     */
    default Optional<ServerError> farewell() {
        return Optional.empty();
    }

    /** Completes when the connection is closed, by either side. */
    CompletableFuture<Void> closeFuture();

    /** Closes the connection; pending requests fail with {@link ConnectionLostException}. */
    void close();
}
