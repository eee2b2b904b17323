package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.net.ServerError;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.MessageArrived;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.MessagesWaiting;
import org.edgenet.common.message.Notice;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.MessageSettings;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** MSG and RDM between devices of a real server, one of them offline at first. */
class MessagesIntegrationTest {
    private static final List<String> CREDENTIALS = List.of("supersmartwatch comp9331", "superwristband davidpass");

    @TempDir
    Path dir;
    private LiveServer live;

    @AfterEach
    void stop() {
        if (live != null) {
            live.close();
        }
    }

    /** The server of the devices: one here, a cluster in {@link MessagesClusterTest}. */
    LiveServer open(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        return new LiveServer(dir, credentials, tweak);
    }

    /** The default message settings with the journal where {@link LiveServer} keeps the other files. */
    private static MessageSettings messagesIn(Path dir) {
        return MessageSettings.defaults().withJournal(dir.resolve("messages"));
    }

    /** A joined device whose notices, from the first, land in {@code notices}. */
    private EdgeClient join(String device, String password, BlockingQueue<Notice> notices) throws Exception {
        EdgeClient c = await(live.connect());
        c.onNotice(notices::add);
        assertEquals(LoginStatus.WELCOME, await(c.login(DeviceName.of(device), password)));
        await(c.registerUdp(9000));
        return c;
    }

    @Test
    void aMessageWaitsForAnOfflineDeviceAndAJoinedOneIsToldAtOnce() throws Exception {
        live = open(dir, CREDENTIALS, UnaryOperator.identity());
        BlockingQueue<Notice> aliceNotices = new LinkedBlockingQueue<>();
        EdgeClient alice = join("supersmartwatch", "comp9331", aliceNotices);
        long id = await(alice.postMessage(DeviceName.of("superwristband"), "see you at 10 ☃")).id();

        BlockingQueue<Notice> bobNotices = new LinkedBlockingQueue<>();
        EdgeClient bob = join("superwristband", "davidpass", bobNotices);
        assertEquals(new MessagesWaiting(1), bobNotices.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS));
        MessageBatch batch = await(bob.readMessages(255));
        assertEquals(List.of(id), batch.messages().stream().map(MailItem::id).toList());
        assertEquals("see you at 10 ☃", batch.messages().get(0).text());
        assertEquals(0, await(bob.ackMessages(batch.lastId())));

        await(bob.postMessage(DeviceName.of("supersmartwatch"), "ok"));
        assertEquals(new MessageArrived("superwristband"),
                aliceNotices.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS), "the live notice");
        assertEquals("ok", await(alice.readMessages(255)).messages().get(0).text());
    }

    @Test
    void aMessageForAFullMailboxIsRefusedWithItsReason() throws Exception {
        live = open(dir, CREDENTIALS, c -> c.messages(messagesIn(dir).withPerRecipient(1)));
        EdgeClient alice = join("supersmartwatch", "comp9331", new LinkedBlockingQueue<>());
        await(alice.postMessage(DeviceName.of("superwristband"), "1"));

        CompletableFuture<?> refused = alice.postMessage(DeviceName.of("superwristband"), "2");
        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(20, TimeUnit.SECONDS));
        ServerError error = assertInstanceOf(ServerError.class, e.getCause());
        assertEquals(ErrorCode.MAILBOX_FULL, error.code());
        assertEquals("the mailbox of superwristband is full", error.getMessage());
    }

    @Test
    void devicesAndTheMessagePortShareOneStoreBothWays() throws Exception {
        live = open(dir, CREDENTIALS, c -> c.messages(messagesIn(dir).withPort(0)));
        BlockingQueue<Notice> aliceNotices = new LinkedBlockingQueue<>();
        EdgeClient alice = join("supersmartwatch", "comp9331", aliceNotices);
        await(alice.postMessage(DeviceName.of("superwristband"), "via MSG ☃"));

        byte[] response = exchange(ae73Read("superwristband"));
        byte[] expected = concat(new byte[] {(byte) 0xAE, 0x73, 3, 1, 0, 15, 0, (byte) utf8("via MSG ☃").length},
                utf8("supersmartwatch"), utf8("via MSG ☃"));
        assertArrayEquals(expected, response, "the MessageResponse record");

        byte[] name = utf8("Ωmega");
        byte[] to = utf8("supersmartwatch");
        byte[] text = utf8("héllo from 003");
        assertEquals(0, exchange(concat(new byte[] {(byte) 0xAE, 0x73, 2, (byte) name.length, (byte) to.length, 0,
                (byte) text.length}, name, to, text)).length, "a create has no response");
        assertEquals(new MessageArrived("Ωmega"), aliceNotices.poll(LiveServer.WAIT.toSeconds(), TimeUnit.SECONDS),
                "the joined device is told, whoever sent it");
        MailItem item = await(alice.readMessages(255)).messages().get(0);
        assertEquals("Ωmega", item.sender());
        assertEquals("héllo from 003", item.text());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ae73Read(String name) {
        byte[] n = utf8(name);
        return concat(new byte[] {(byte) 0xAE, 0x73, 1, (byte) n.length, 0, 0, 0}, n);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One request on a plain socket, as an 003 client sends it; everything until the server closes. */
    private byte[] exchange(byte[] request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), live.messagePort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            return s.getInputStream().readAllBytes();
        }
    }
}
