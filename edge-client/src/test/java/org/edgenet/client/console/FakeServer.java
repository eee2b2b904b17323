package org.edgenet.client.console;

import org.edgenet.client.net.DownloadProgress;
import org.edgenet.client.net.Downloaded;
import org.edgenet.client.net.ServerError;
import org.edgenet.client.net.ServerLink;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.MessagePosted;
import org.edgenet.common.message.Notice;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.wire.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A server the console tests script: answers from maps, and records every request so a test can
 * check that a client-side error sent nothing.
 */
final class FakeServer implements ServerLink {
    final Deque<LoginStatus> loginReplies = new ArrayDeque<>();
    final List<String> requests = new ArrayList<>();
    final Map<Long, byte[]> stored = new HashMap<>();
    final Map<Long, String> results = new HashMap<>();
    final Map<String, Peer> peers = new HashMap<>();
    List<DeviceInfo> active = List.of();
    ServerError uploadRefusal;
    /** When set, DLD fails with it. */
    RuntimeException downloadFailure;
    /** When positive, the size DLD reports, to show progress lines without a large file. */
    long downloadSize;
    ServerError joinRefusal;
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** When set, AED is answered only when the test completes this future. */
    CompletableFuture<List<DeviceInfo>> pendingActive;
    /** The messages waiting for this device, oldest first, as RDM reads them. */
    final List<MailItem> mailbox = new ArrayList<>();
    /** Most messages one batch holds, as the server's byte bound would make it. */
    int batchLimit = 255;
    ServerError postRefusal;
    /** How many acknowledgements to come are refused, removing nothing, as a server whose disk fails. */
    int acksToRefuse;
    /** Runs after every acknowledgement has removed what it names. */
    Runnable onAck = () -> {
    };
    /** Sent to the device as it joins. */
    final List<Notice> joinNotices = new ArrayList<>();
    /** The TempIDs TID hands out, in turn. */
    final Deque<TempIdWindow> tempIds = new ArrayDeque<>();
    /** Every contact log uploaded. */
    final List<List<TempIdWindow>> uploadedContacts = new ArrayList<>();
    private volatile Consumer<Notice> notices = n -> {
    };
    /** What {@link #waitingForReply()} reports: how long the server has owed a reply. */
    volatile Duration owed = Duration.ZERO;

    @Override
    public synchronized CompletableFuture<LoginStatus> login(DeviceName device, String password) {
        requests.add("Login " + device);
        LoginStatus status = loginReplies.isEmpty() ? LoginStatus.WELCOME : loginReplies.poll();
        if (status.closesConnection()) {
            closed.complete(null);
        }
        return CompletableFuture.completedFuture(status);
    }

    @Override
    public synchronized CompletableFuture<Joined> registerUdp(int udpPort) {
        requests.add("RegisterUdp " + udpPort);
        if (joinRefusal != null) {
            closed.complete(null);
            return CompletableFuture.failedFuture(joinRefusal);
        }
        // As the server does: the notices of a join come right behind Joined.
        joinNotices.forEach(this::tell);
        return CompletableFuture.completedFuture(new Joined(DeviceName.of("device"), "30 September 2022 10:31:13"));
    }

    @Override
    public synchronized CompletableFuture<List<DeviceInfo>> listActive() {
        requests.add("ListActive");
        if (pendingActive != null) {
            return pendingActive;
        }
        return CompletableFuture.completedFuture(active);
    }

    @Override
    public synchronized CompletableFuture<Uploaded> upload(FileId fileId, Path file) {
        requests.add("Upload " + fileId);
        if (uploadRefusal != null) {
            return CompletableFuture.failedFuture(uploadRefusal);
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            stored.put(fileId.value(), bytes);
            long lines = Files.readAllLines(file).size();
            return CompletableFuture.completedFuture(new Uploaded(fileId, lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the stored bytes to {@code target} as the real client would once they are checked,
     * telling {@code progress} of each eighth on the way; {@link #downloadFailure} fails it instead.
     */
    @Override
    public synchronized CompletableFuture<Downloaded> download(FileId fileId, Path target, DownloadProgress progress) {
        requests.add("Download " + fileId);
        if (downloadFailure != null) {
            return CompletableFuture.failedFuture(downloadFailure);
        }
        byte[] bytes = stored.get(fileId.value());
        if (bytes == null) {
            return CompletableFuture.failedFuture(new ServerError(ErrorCode.NO_SUCH_FILE,
                    "file " + fileId + " does not exist at the server side"));
        }
        long size = downloadSize > 0 ? downloadSize : bytes.length;
        for (int i = 1; i <= 8; i++) {
            progress.written(size * i / 8, size);
        }
        try {
            boolean replaced = Files.exists(target);
            Files.write(target, bytes);
            return CompletableFuture.completedFuture(new Downloaded(fileId, target, size, replaced));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Computed> compute(FileId fileId, Operation operation) {
        requests.add("Compute " + fileId + " " + operation);
        String result = results.get(fileId.value());
        if (result == null) {
            return CompletableFuture.failedFuture(new ServerError(ErrorCode.NO_SUCH_FILE, "file " + fileId + " does not exist"));
        }
        if (result.isEmpty()) {
            return CompletableFuture.failedFuture(new ServerError(ErrorCode.EMPTY_FILE, "the file (ID:" + fileId + ") is empty"));
        }
        return CompletableFuture.completedFuture(new Computed(fileId, operation, result));
    }

    @Override
    public synchronized CompletableFuture<Deleted> delete(FileId fileId) {
        requests.add("Delete " + fileId);
        byte[] gone = stored.remove(fileId.value());
        if (gone == null) {
            return CompletableFuture.failedFuture(new ServerError(ErrorCode.NO_SUCH_FILE, "file " + fileId + " does not exist"));
        }
        return CompletableFuture.completedFuture(new Deleted(fileId, 1));
    }

    @Override
    public synchronized CompletableFuture<Peer> lookupPeer(DeviceName device) {
        requests.add("LookupPeer " + device);
        Peer peer = peers.get(device.value());
        if (peer == null) {
            return CompletableFuture.failedFuture(new ServerError(ErrorCode.DEVICE_OFFLINE, device + " is not active"));
        }
        return CompletableFuture.completedFuture(peer);
    }

    @Override
    public synchronized CompletableFuture<Left> leave() {
        requests.add("Leave");
        closed.complete(null);
        return CompletableFuture.completedFuture(new Left(DeviceName.of("device")));
    }

    @Override
    public synchronized CompletableFuture<MessagePosted> postMessage(DeviceName recipient, String text) {
        requests.add("PostMessage " + recipient + " " + text);
        if (postRefusal != null) {
            return CompletableFuture.failedFuture(postRefusal);
        }
        return CompletableFuture.completedFuture(new MessagePosted(recipient, requests.size()));
    }

    @Override
    public synchronized CompletableFuture<MessageBatch> readMessages(int max) {
        requests.add("ReadMessages " + max);
        List<MailItem> batch = List.copyOf(mailbox.subList(0, Math.min(Math.min(max, batchLimit), mailbox.size())));
        return CompletableFuture.completedFuture(new MessageBatch(batch, mailbox.size()));
    }

    @Override
    public synchronized CompletableFuture<Integer> ackMessages(long upToId) {
        requests.add("AckMessages " + upToId);
        if (acksToRefuse > 0) {
            acksToRefuse--;
            return CompletableFuture.failedFuture(new ServerError(ErrorCode.INTERNAL, "the server failed"));
        }
        mailbox.removeIf(m -> m.id() <= upToId);
        onAck.run();
        return CompletableFuture.completedFuture(mailbox.size());
    }

    @Override
    public synchronized CompletableFuture<TempIdWindow> tempId() {
        requests.add("TempId");
        return tempIds.isEmpty() ? CompletableFuture.failedFuture(new ServerError(ErrorCode.INTERNAL, "no TempID"))
                : CompletableFuture.completedFuture(tempIds.poll());
    }

    @Override
    public synchronized CompletableFuture<Integer> uploadContacts(List<TempIdWindow> entries) {
        requests.add("UploadContacts " + entries.size());
        uploadedContacts.add(List.copyOf(entries));
        return CompletableFuture.completedFuture(entries.size());
    }

    @Override
    public void onNotice(Consumer<Notice> listener) {
        notices = listener;
    }

    /** The server sends a notice, as from its own thread. */
    void tell(Notice notice) {
        notices.accept(notice);
    }

    @Override
    public Duration waitingForReply() {
        return owed;
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    @Override
    public void close() {
        closed.complete(null);
    }

    /** The server goes away while the console waits for input. */
    void drop() {
        closed.complete(null);
    }

    synchronized List<String> requests() {
        return List.copyOf(requests);
    }
}
