package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.AckMessages;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.MessageArrived;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.MessagePosted;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.message.MessagesAcked;
import org.edgenet.common.message.MessagesWaiting;
import org.edgenet.common.message.PostMessage;
import org.edgenet.common.message.ReadMessages;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.LogCapture;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.JournalMessageStore;
import org.edgenet.server.service.MessageStore;
import org.edgenet.server.service.Services;
import org.edgenet.server.service.TicketService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.edgenet.server.net.ServerInitializer.COMMAND;
import static org.edgenet.server.net.ServerInitializer.ERRORS;
import static org.edgenet.server.net.ServerInitializer.READ_GATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MSG and RDM through the command handler of joined devices, on EmbeddedChannels. */
class MessageCommandsTest {
    private static final String ALICE = "supersmartwatch";
    private static final String BOB = "superwristband";

    @TempDir
    Path dir;
    private TestServices t;
    private Services services;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<AutoCloseable> extra = new ArrayList<>();
    private final TicketService tickets = new TicketService();
    private final Disconnector disconnector = new Disconnector(new LogLimiter(Ticker.systemTicker()));

    @BeforeEach
    void setUp() {
        t = new TestServices(dir);
        services = t.services;
    }

    @AfterEach
    void tearDown() throws Exception {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        for (AutoCloseable c : extra) {
            c.close();
        }
        t.close();
    }

    /** A joined device's connection in command mode; whatever it was told on joining stays unread. */
    private EmbeddedChannel join(String device) {
        ActiveDevice entry = t.registry.join(DeviceName.of(device), "10.0.0.1", 9000 + channels.size()).join();
        EmbeddedChannel ch = new EmbeddedChannel();
        ReadGate gate = new ReadGate(ServerConfig.DEFAULT_REPLY_TIMEOUT);
        ch.pipeline().addLast(READ_GATE, gate)
                .addLast(COMMAND, new CommandHandler(services, tickets, new Session(entry), gate, disconnector))
                .addLast(ERRORS, new ErrorHandler(disconnector));
        channels.add(ch);
        return ch;
    }

    private static List<Object> send(EmbeddedChannel ch, Object... msgs) {
        ch.writeInbound(msgs);
        return drain(ch);
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        ch.runPendingTasks();
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.add(o);
        }
        return out;
    }

    private static Object single(List<Object> replies) {
        assertEquals(1, replies.size(), "exactly one reply, got " + replies);
        return replies.get(0);
    }

    private long post(EmbeddedChannel ch, String to, String text) {
        return assertInstanceOf(MessagePosted.class, single(send(ch, new PostMessage(DeviceName.of(to), text)))).id();
    }

    @Test
    void storesAMessageForADeviceThatIsOfflineAndTellsItOnJoining() {
        EmbeddedChannel alice = join(ALICE);
        List<String> lines;
        long id;
        try (LogCapture logs = new LogCapture(MessageCommands.class)) {
            id = post(alice, BOB, "see you at 10");
            lines = logs.lines();
        }
        assertEquals(List.of(), lines, "a stored message is traffic, not an operator event");

        EmbeddedChannel bob = join(BOB);
        assertEquals(List.of(new MessagesWaiting(1)), drain(bob), "told on joining");
        MessageBatch batch = assertInstanceOf(MessageBatch.class, single(send(bob, new ReadMessages(255))));
        assertEquals(new MessageBatch(List.of(new MailItem(id, ALICE, "30 September 2022 10:31:13", "see you at 10")), 1),
                batch);
    }

    /** The store of the test, whose count of waiting messages comes when {@code count} completes. */
    private MessageStore countingLater(CompletableFuture<Integer> count) {
        MessageStore store = t.services.messages();
        return (MessageStore) Proxy.newProxyInstance(MessageStore.class.getClassLoader(),
                new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("waitingLater")) {
                        return count;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aCountThatComesLaterIsToldWhenItComesAndNotToADeviceThatHasLeft() {
        post(join(ALICE), BOB, "see you at 10");
        CompletableFuture<Integer> count = new CompletableFuture<>();
        services = new Services(t.services.credentials(), t.services.guard(), t.services.registry(), t.services.data(),
                countingLater(count), t.services.tracing());

        EmbeddedChannel bob = join(BOB);
        assertEquals(List.of(), drain(bob), "nothing is told before the count comes");
        count.complete(1);
        assertEquals(List.of(new MessagesWaiting(1)), drain(bob), "told once it comes");

        CompletableFuture<Integer> late = new CompletableFuture<>();
        services = new Services(t.services.credentials(), t.services.guard(), t.services.registry(), t.services.data(),
                countingLater(late), t.services.tracing());
        EmbeddedChannel carol = join("supersensor");
        carol.close();
        late.complete(1);
        assertEquals(List.of(), drain(carol), "a device gone before the count is told nothing");
    }

    @Test
    void saysNothingOnJoiningWhenNoMessageWaits() {
        assertEquals(List.of(), drain(join(BOB)));
    }

    @Test
    void tellsAJoinedRecipientAtOnceAndNoOneElse() {
        EmbeddedChannel alice = join(ALICE);
        EmbeddedChannel bob = join(BOB);
        EmbeddedChannel wei = join("wei-smartphone");

        post(alice, BOB, "hi");

        assertEquals(List.of(new MessageArrived(ALICE)), drain(bob), "the live notice");
        assertEquals(List.of(), drain(wei), "nothing for others");
    }

    @Test
    void stopsTellingADeviceThatLeft() {
        EmbeddedChannel alice = join(ALICE);
        EmbeddedChannel bob = join(BOB);
        bob.close();

        post(alice, BOB, "after you left");

        assertEquals(List.of(), drain(bob), "no notice on a closed connection");
        assertEquals(1, services.messages().waiting(BOB), "the message waits");
    }

    @Test
    void refusesAnUnknownRecipientWithoutLoggingItsName() {
        EmbeddedChannel alice = join(ALICE);
        List<String> lines;
        Object reply;
        try (LogCapture logs = new LogCapture(MessageCommands.class)) {
            reply = single(send(alice, new PostMessage(DeviceName.of("hunter2-password"), "x")));
            lines = logs.lines();
        }
        assertEquals(new ErrorReply(ErrorCode.BAD_ARGUMENT, "there is no edge device called hunter2-password"), reply);
        assertEquals(List.of("INFO " + ALICE + " issued MSG to an unknown device; refused"), lines,
                "one line, without the name");
        assertEquals(new ErrorReply(ErrorCode.BAD_ARGUMENT, "that is not a valid edge device name"),
                single(send(alice, new InvalidMessage(MessageType.POST_MESSAGE, "not a valid device name"))),
                "what the codec makes of a bad name, not echoed");
        assertTrue(alice.isActive(), "the session goes on");
        assertFalse(single(send(alice, new ListActive())) instanceof ErrorReply, "and serves the next command");
    }

    @Test
    void refusesAnEmptyText() {
        assertEquals(new ErrorReply(ErrorCode.BAD_ARGUMENT, "the message is empty"),
                single(send(join(ALICE), new PostMessage(DeviceName.of(BOB), ""))));
    }

    @Test
    void refusesAMessageForAFullMailboxWithItsOwnerNamed() throws IOException {
        JournalMessageStore small = JournalMessageStore.open(dir.resolve("small"), 2, 1L << 30, Disk.synced(),
                t.clock, JournalMessageStore.DEFAULT_SEGMENT_BYTES, Runnable::run, Runnable::run);
        extra.add(small);
        services = new Services(t.services.credentials(), t.services.guard(), t.services.registry(), t.services.data(),
                small, t.tracing);
        EmbeddedChannel alice = join(ALICE);
        post(alice, BOB, "1");
        post(alice, BOB, "2");

        List<String> lines;
        try (LogCapture logs = new LogCapture(MessageCommands.class)) {
            assertEquals(new ErrorReply(ErrorCode.MAILBOX_FULL, "the mailbox of " + BOB + " is full"),
                    single(send(alice, new PostMessage(DeviceName.of(BOB), "3"))));
            lines = logs.lines();
        }
        assertEquals(List.of("INFO " + ALICE + " issued MSG to " + BOB + "; refused: the mailbox of " + BOB
                + " is full"), lines, "a refusal is worth a line");
        post(alice, "wei-smartphone", "another mailbox has room");
    }

    @Test
    void readingRemovesNothingUntilTheDeviceAcknowledges() {
        EmbeddedChannel alice = join(ALICE);
        long first = post(alice, BOB, "one");
        long second = post(alice, BOB, "two");
        EmbeddedChannel bob = join(BOB);
        drain(bob);

        MessageBatch batch = assertInstanceOf(MessageBatch.class, single(send(bob, new ReadMessages(255))));
        assertEquals(List.of(first, second), batch.messages().stream().map(MailItem::id).toList());
        assertEquals(batch, single(send(bob, new ReadMessages(255))), "shown again until acknowledged");

        assertEquals(new MessagesAcked(0), single(send(bob, new AckMessages(second))));
        assertEquals(new MessageBatch(List.of(), 0), single(send(bob, new ReadMessages(255))), "gone now");
    }

    @Test
    void aConnectionLostBeforeTheAcknowledgementLosesNothing() {
        EmbeddedChannel alice = join(ALICE);
        post(alice, BOB, "one");
        EmbeddedChannel bob = join(BOB);
        drain(bob);
        single(send(bob, new ReadMessages(255)));
        // The device leaves as it closes, as after any lost connection.
        bob.close();

        EmbeddedChannel again = join(BOB);
        assertEquals(List.of(new MessagesWaiting(1)), drain(again));
        assertEquals(1, assertInstanceOf(MessageBatch.class, single(send(again, new ReadMessages(255))))
                .messages().size(), "the message is shown again");
    }

    @Test
    void anAcknowledgementReachesNoFurtherThanWhatWasSent() {
        EmbeddedChannel alice = join(ALICE);
        post(alice, BOB, "one");
        post(alice, BOB, "two");
        EmbeddedChannel bob = join(BOB);
        drain(bob);

        assertEquals(new MessagesAcked(2), single(send(bob, new AckMessages(Long.MAX_VALUE))), "nothing sent yet");
        single(send(bob, new ReadMessages(1)));
        assertEquals(new MessagesAcked(1), single(send(bob, new AckMessages(Long.MAX_VALUE))), "only the one sent");
    }

    @Test
    void refusesAReadOfNoMessages() {
        assertEquals(new ErrorReply(ErrorCode.BAD_ARGUMENT, "a read takes 1 to 255 messages, not 0"),
                single(send(join(BOB), new ReadMessages(0))));
    }

    @Test
    void sixHundredMessagesComeOutOldestFirstIn255255And90() {
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            sent.add(t.messages.post(ALICE, BOB, "message " + i).join());
        }
        EmbeddedChannel bob = join(BOB);
        assertEquals(List.of(new MessagesWaiting(600)), drain(bob));

        List<Long> read = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Integer> waiting = new ArrayList<>();
        while (true) {
            MessageBatch batch = assertInstanceOf(MessageBatch.class, single(send(bob, new ReadMessages(255))));
            if (batch.messages().isEmpty()) {
                break;
            }
            sizes.add(batch.messages().size());
            waiting.add(batch.waiting());
            batch.messages().forEach(m -> read.add(m.id()));
            single(send(bob, new AckMessages(batch.lastId())));
        }
        assertEquals(List.of(255, 255, 90), sizes, "batch sizes");
        assertEquals(List.of(600, 345, 90), waiting, "waiting before each");
        assertEquals(sent, read, "first in, first out, each once");
    }

    /** What an 0xAE73 client reading as {@code name} is answered, through the same store. */
    private Ae73HandlerTest.Response readOnMessagePort(String name) {
        EmbeddedChannel ch = new EmbeddedChannel(new Ae73Decoder(),
                new Ae73Handler(services.messages(), new LogLimiter(Ticker.systemTicker())));
        channels.add(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(Ae73DecoderTest.read(name)));
        ch.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            all.writeBytes(b);
            b.release();
        }
        return Ae73HandlerTest.Response.parse(all);
    }

    @Test
    void aDeviceAndAnAe73ClientReadingAsItAreNeverShownTheSameMessage() {
        EmbeddedChannel alice = join(ALICE);
        long one = post(alice, BOB, "one");
        long two = post(alice, BOB, "two");
        long three = post(alice, BOB, "three");
        EmbeddedChannel bob = join(BOB);
        drain(bob);

        MessageBatch shown = assertInstanceOf(MessageBatch.class, single(send(bob, new ReadMessages(2))));
        assertEquals(List.of(one, two), shown.messages().stream().map(MailItem::id).toList());
        assertEquals(List.of("three"), readOnMessagePort(BOB).texts(), "only what the device was not shown");
        assertEquals(new MessagesAcked(0), single(send(bob, new AckMessages(three))),
                "the acknowledgement takes what the device was shown, and the port read took the rest");
        assertEquals(0, services.messages().waiting(BOB));
    }

    @Test
    void whatADeviceWasShownGoesBackToOtherReadersWhenItsConnectionIsLost() {
        EmbeddedChannel alice = join(ALICE);
        post(alice, BOB, "one");
        post(alice, BOB, "two");
        EmbeddedChannel bob = join(BOB);
        drain(bob);
        single(send(bob, new ReadMessages(255)));
        assertEquals(new Ae73HandlerTest.Response(0, List.of(), List.of()), readOnMessagePort(BOB),
                "held by the device");

        bob.close();

        assertEquals(List.of("one", "two"), readOnMessagePort(BOB).texts(), "given back, oldest first");
    }
}
