package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.server.LogCapture;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.JournalMessageStore;
import org.edgenet.server.service.MessageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;

import static org.edgenet.server.net.Ae73DecoderTest.create;
import static org.edgenet.server.net.Ae73DecoderTest.read;
import static org.edgenet.server.net.Ae73DecoderTest.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One 0xAE73 connection at a time against a real journal: creates, reads and their records. */
class Ae73HandlerTest {
    @TempDir
    Path dir;

    /** The journal's writer, run by hand: a create waits here until its record is on the disk. */
    private final Deque<Runnable> writer = new ArrayDeque<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private JournalMessageStore store;
    private Ae73Handler handler;

    private void open(int perRecipient) throws IOException {
        open(perRecipient, Runnable::run);
    }

    private void open(int perRecipient, Executor reader) throws IOException {
        store = JournalMessageStore.open(dir.resolve("messages"), perRecipient, 1L << 30, Disk.synced(),
                new MutableClock(Instant.parse("2022-09-30T10:31:13Z")), JournalMessageStore.DEFAULT_SEGMENT_BYTES,
                writer::add, reader);
        handler = new Ae73Handler(store, new LogLimiter(Ticker.systemTicker()));
    }

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        if (store != null) {
            store.close();
        }
    }

    private EmbeddedChannel connection() {
        EmbeddedChannel ch = new EmbeddedChannel(new Ae73Decoder(), handler);
        channels.add(ch);
        return ch;
    }

    private void runWriter() {
        while (!writer.isEmpty()) {
            writer.poll().run();
        }
    }

    private void post(String from, String to, String text) {
        var id = store.post(from, to, text);
        runWriter();
        id.join();
    }

    /** What the server sent back on {@code ch}, all of it. */
    private static ByteBuf sent(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    /** A MessageResponse record parsed as an 003 client does, checking every field on the way. */
    record Response(int more, List<String> senders, List<String> texts) {
        static Response parse(ByteBuf b) {
            try {
                assertEquals(0xAE73, b.readUnsignedShort(), "MagicNo");
                assertEquals(3, b.readUnsignedByte(), "ID");
                int items = b.readUnsignedByte();
                int more = b.readUnsignedByte();
                List<String> senders = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < items; i++) {
                    int senderLen = b.readUnsignedByte();
                    int messageLen = b.readUnsignedShort();
                    assertTrue(senderLen >= 1 && messageLen >= 1, "lengths of message " + i);
                    senders.add(b.readCharSequence(senderLen, StandardCharsets.UTF_8).toString());
                    texts.add(b.readCharSequence(messageLen, StandardCharsets.UTF_8).toString());
                }
                assertFalse(b.isReadable(), "nothing after the last message");
                return new Response(more, senders, texts);
            } finally {
                b.release();
            }
        }
    }

    private Response readAs(String name) {
        EmbeddedChannel ch = connection();
        ch.writeInbound(Unpooled.wrappedBuffer(read(name)));
        ch.runPendingTasks();
        Response r = Response.parse(sent(ch));
        assertFalse(ch.isOpen(), "closed after the response");
        return r;
    }

    @Test
    void aCreateIsStoredUnderTheReceiverAndClosesWithoutAResponseOnlyOnceDurable() throws IOException {
        open(10_000);
        EmbeddedChannel ch = connection();
        ch.writeInbound(Unpooled.wrappedBuffer(create("Ωmega", "superwristband", "héllo ☃")));
        ch.runPendingTasks();
        assertTrue(ch.isOpen(), "still open while the message is not on the disk");

        runWriter();
        ch.runPendingTasks();

        assertFalse(ch.isOpen(), "closed once stored");
        assertNull(ch.readOutbound(), "no response to a create");
        MessageStore.Batch b = store.reader("superwristband").read(255, Integer.MAX_VALUE).join();
        assertEquals("Ωmega", b.messages().get(0).sender(), "a sender need not be a device");
        assertEquals("héllo ☃", b.messages().get(0).text());
    }

    @Test
    void aReadAnswersTheOldestMessagesWithSenderAndTextThenRemovesThem() throws IOException {
        open(10_000);
        post("supersmartwatch", "superwristband", "from a device, with MSG");
        post("Ωmega", "superwristband", "zoë was here ☃");

        Response r = readAs("superwristband");

        assertEquals(new Response(0, List.of("supersmartwatch", "Ωmega"), List.of("from a device, with MSG",
                "zoë was here ☃")), r);
        runWriter();
        assertEquals(0, store.waiting("superwristband"), "removed once written and flushed");
    }

    @Test
    void aReadOfAnEmptyMailboxIsAFiveByteRecord() throws IOException {
        open(10_000);
        EmbeddedChannel ch = connection();
        ch.writeInbound(Unpooled.wrappedBuffer(read("nobody")));
        ch.runPendingTasks();

        ByteBuf b = sent(ch);
        assertEquals(Unpooled.wrappedBuffer(new byte[] {(byte) 0xAE, 0x73, 3, 0, 0}), b);
        b.release();
        assertFalse(ch.isOpen());
    }

    @Test
    void sixHundredMessagesAreRead255Then255Then90WithMoreMsgs110() throws IOException {
        open(10_000);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            sent.add("message " + i);
            store.post("alice", "bob", "message " + i);
        }
        runWriter();

        List<Integer> sizes = new ArrayList<>();
        List<Integer> more = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            Response r = readAs("bob");
            runWriter();
            sizes.add(r.texts().size());
            more.add(r.more());
            texts.addAll(r.texts());
        }

        assertEquals(List.of(255, 255, 90), sizes, "NumItems");
        assertEquals(List.of(1, 1, 0), more, "MoreMsgs");
        assertEquals(sent, texts, "first in, first out, each once");
        assertEquals(new Response(0, List.of(), List.of()), readAs("bob"), "nothing left");
    }

    @Test
    void aBadRequestClosesWithOneWarningAndChangesNothing() throws IOException {
        open(10_000);
        post("alice", "bob", "kept");
        EmbeddedChannel ch = connection();
        List<String> warnings;
        try (LogCapture logs = new LogCapture(Ae73Handler.class)) {
            ch.writeInbound(Unpooled.wrappedBuffer(record(0xAE73, 1, 3, 1, 0, "bobx".getBytes(StandardCharsets.UTF_8))));
            ch.runPendingTasks();
            warnings = logs.warnings();
        }
        assertEquals(List.of("WARN Closing 0xAE73 connection embedded: a read with ReceiverLen 1 and MessageLen 0 "
                + "(both must be 0)"), warnings, "one line, no stack trace");
        assertFalse(ch.isOpen());
        assertNull(ch.readOutbound(), "no response");
        assertEquals(1, store.waiting("bob"), "nothing read, nothing removed");
    }

    @Test
    void aCreateForAFullMailboxIsLoggedAndClosedWithoutStoring() throws IOException {
        open(1);
        post("alice", "bob", "first");
        EmbeddedChannel ch = connection();
        List<String> lines;
        try (LogCapture logs = new LogCapture(Ae73Handler.class)) {
            ch.writeInbound(Unpooled.wrappedBuffer(create("eve\u001b[2J", "bob", "second")));
            runWriter();
            ch.runPendingTasks();
            lines = logs.lines();
        }
        assertEquals(List.of("INFO 0xAE73 message from \"eve?[2J\" to \"bob\" refused: the mailbox of bob is full"),
                lines, "names shown without control characters");
        assertFalse(ch.isOpen());
        assertEquals(1, store.waiting("bob"));
    }

    @Test
    void aReaderThatLeavesBeforeTheResponseLosesNothing() throws IOException {
        Deque<Runnable> reads = new ArrayDeque<>();
        open(10_000, reads::add);
        post("alice", "bob", "kept");
        EmbeddedChannel ch = connection();
        ch.writeInbound(Unpooled.wrappedBuffer(read("bob")));
        ch.close();
        reads.forEach(Runnable::run);
        ch.runPendingTasks();
        runWriter();

        assertEquals(1, store.waiting("bob"), "not removed: never sent");
    }

    @Test
    void twoReadsAtOnceShareTheMailboxWithoutShowingAMessageTwice() throws IOException {
        Deque<Runnable> reads = new ArrayDeque<>();
        open(10_000, reads::add);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add("message " + i);
            store.post("alice", "bob", "message " + i);
        }
        runWriter();
        EmbeddedChannel first = connection();
        EmbeddedChannel second = connection();
        first.writeInbound(Unpooled.wrappedBuffer(read("bob")));
        second.writeInbound(Unpooled.wrappedBuffer(read("bob")));
        assertEquals(2, reads.size(), "both reads asked before either is answered");
        reads.forEach(Runnable::run);
        first.runPendingTasks();
        second.runPendingTasks();
        runWriter();

        Response a = Response.parse(sent(first));
        Response b = Response.parse(sent(second));
        assertEquals(sent.subList(0, 255), a.texts(), "the oldest to the first");
        assertEquals(1, a.more(), "more waiting: 45 that nobody holds yet");
        assertEquals(sent.subList(255, 300), b.texts(), "the rest to the second, none twice");
        assertEquals(0, b.more());
        assertEquals(0, store.waiting("bob"), "both removed theirs");
    }

    @Test
    void aReadCutOffAfterTheStoreHandedItMessagesGivesThemBackToTheNextRead() throws IOException {
        Deque<Runnable> reads = new ArrayDeque<>();
        open(10_000, reads::add);
        post("alice", "bob", "one");
        post("alice", "bob", "two");
        EmbeddedChannel cut = connection();
        // The connection breaks as the response goes out.
        cut.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("Connection reset by peer"));
            }
        });
        cut.writeInbound(Unpooled.wrappedBuffer(read("bob")));
        reads.poll().run();
        EmbeddedChannel meanwhile = connection();
        meanwhile.writeInbound(Unpooled.wrappedBuffer(read("bob")));
        reads.poll().run();
        meanwhile.runPendingTasks();
        assertEquals(new Response(0, List.of(), List.of()), Response.parse(sent(meanwhile)),
                "held by the first read");

        cut.runPendingTasks();
        assertFalse(cut.isOpen(), "closed when the response failed");

        EmbeddedChannel next = connection();
        next.writeInbound(Unpooled.wrappedBuffer(read("bob")));
        reads.poll().run();
        next.runPendingTasks();
        assertEquals(List.of("one", "two"), Response.parse(sent(next)).texts(), "shown again, in order");
    }
}
