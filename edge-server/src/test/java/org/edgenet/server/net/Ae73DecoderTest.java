package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 0xAE73 MessageRequest decoder on bytes, with frozen time: every validity rule of 003 §3.3. */
class Ae73DecoderTest {
    private final List<Throwable> errors = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        // Frozen before the decoder arms its first gap timer, at the connection's start.
        channel.freezeTime();
        channel.pipeline().addLast(new Ae73Decoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
            }
        });
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    /** A request with every header field chosen by the caller. */
    static byte[] record(int magic, int id, int nameLen, int receiverLen, int messageLen, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(magic >> 8);
        out.write(magic);
        out.write(id);
        out.write(nameLen);
        out.write(receiverLen);
        out.write(messageLen >> 8);
        out.write(messageLen);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] read(String name) {
        return record(0xAE73, 1, utf8(name).length, 0, 0, utf8(name));
    }

    static byte[] create(String name, String receiver, String text) {
        byte[] n = utf8(name);
        byte[] r = utf8(receiver);
        byte[] t = utf8(text);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(n);
        body.writeBytes(r);
        body.writeBytes(t);
        return record(0xAE73, 2, n.length, r.length, t.length, body.toByteArray());
    }

    private void feed(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private void after(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private ProtocolException onlyError() {
        assertEquals(1, errors.size(), "exactly one error: " + errors);
        return assertInstanceOf(ProtocolException.class, errors.get(0));
    }

    @Test
    void decodesAReadRequest() {
        feed(read("bob"));
        assertEquals(new Ae73Decoder.Request(1, "bob", null, null), channel.readInbound());
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void decodesACreateWhoseNamesAndTextHaveMoreBytesThanCharacters() {
        String name = "Ωmega";
        String receiver = "zoë";
        String text = "héllo ☃ 👋";
        assertTrue(utf8(name).length > name.length() && utf8(text).length > text.length(), "the point of the test");

        feed(create(name, receiver, text));

        assertEquals(new Ae73Decoder.Request(2, name, receiver, text), channel.readInbound());
    }

    @Test
    void assemblesARequestFedOneByteAtATimeWithPausesShorterThanTheGap() {
        byte[] bytes = create("Ωmega", "zoë", "héllo ☃ 👋");
        for (int i = 0; i < bytes.length; i++) {
            after(900);
            assertNull(channel.readInbound(), "nothing before byte " + (i + 1) + " of " + bytes.length);
            feed(new byte[] {bytes[i]});
        }
        assertEquals(new Ae73Decoder.Request(2, "Ωmega", "zoë", "héllo ☃ 👋"), channel.readInbound(),
                "the request, although it took far longer than a second in all");
        assertTrue(errors.isEmpty(), errors.toString());
        after(5_000);
        assertTrue(errors.isEmpty(), "no gap once the request is complete: " + errors);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "a wrong magic number,      0xAE74, 1, 3, 0, 0, BAD_MAGIC",
            "ID 0,                      0xAE73, 0, 3, 0, 0, MALFORMED",
            "ID 3,                      0xAE73, 3, 3, 0, 0, MALFORMED",
            "a read with NameLen 0,     0xAE73, 1, 0, 0, 0, MALFORMED",
            "a create with NameLen 0,   0xAE73, 2, 0, 3, 2, MALFORMED",
            "a read with a ReceiverLen, 0xAE73, 1, 3, 1, 0, MALFORMED",
            "a read with a MessageLen,  0xAE73, 1, 3, 0, 1, MALFORMED",
            "a create without receiver, 0xAE73, 2, 3, 0, 2, MALFORMED",
            "a create without message,  0xAE73, 2, 3, 3, 0, MALFORMED"})
    void refusesABadFixedHeaderAsSoonAsItsSeventhByteArrives(String what, String magic, int id, int nameLen,
                                                             int receiverLen, int messageLen, ErrorCode code) {
        byte[] header = record(Integer.decode(magic), id, nameLen, receiverLen, messageLen, new byte[0]);
        for (int i = 0; i < 6; i++) {
            feed(new byte[] {header[i]});
            assertTrue(errors.isEmpty(), "no verdict before the whole header: " + errors);
        }
        feed(new byte[] {header[6]});

        assertEquals(code, onlyError().code(), what);
        assertNull(channel.readInbound(), "nothing decoded");
        feed(utf8("bob and more"));
        assertEquals(1, errors.size(), "later bytes are discarded without a second error");
    }

    @Test
    void refusesMoreBytesThanTheHeaderAnnounces() {
        byte[] bytes = read("bob");
        byte[] longer = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, longer, 0, bytes.length);

        feed(longer);

        assertTrue(onlyError().getMessage().startsWith("1 bytes more than the request announces"), errors.toString());
        assertNull(channel.readInbound(), "the request is not served");
    }

    @Test
    void refusesBytesThatFollowACompleteRequestLater() {
        feed(read("bob"));
        assertEquals(new Ae73Decoder.Request(1, "bob", null, null), channel.readInbound());

        feed(new byte[] {0});

        assertEquals(ErrorCode.MALFORMED, onlyError().code());
    }

    @Test
    void refusesFewerBytesWhenThePeerClosesEarly() {
        byte[] bytes = create("alice", "bob", "hi");
        byte[] shorter = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, shorter, 0, shorter.length);
        feed(shorter);

        channel.close();

        assertEquals("the connection closed after 16 bytes of 17", onlyError().getMessage());
    }

    @Test
    void aGapOfMoreThanOneSecondInsideTheHeaderEndsTheRequest() {
        feed(new byte[] {(byte) 0xAE, 0x73, 1});
        after(999);
        assertTrue(errors.isEmpty(), "a pause of 999 ms is allowed: " + errors);

        after(2);

        ProtocolException e = onlyError();
        assertEquals(ErrorCode.FRAME_GAP, e.code());
        assertEquals("nothing received for more than 1000 ms, after 3 bytes of the request", e.getMessage());
    }

    @Test
    void aGapOfMoreThanOneSecondInsideTheBodyEndsTheRequest() {
        byte[] bytes = create("alice", "bob", "hi");
        feed(Arrays.copyOf(bytes, 10));
        after(600);
        feed(new byte[] {bytes[10]});
        after(999);
        assertTrue(errors.isEmpty(), "the gap counts from the last byte: " + errors);

        after(2);

        assertEquals(ErrorCode.FRAME_GAP, onlyError().code());
        feed(Arrays.copyOfRange(bytes, 11, bytes.length));
        assertNull(channel.readInbound(), "the rest, arriving late, is not served");
    }

    @Test
    void aConnectionThatSendsNothingForOneSecondIsEnded() {
        after(1001);
        assertEquals("nothing received for more than 1000 ms, after 0 bytes of the request", onlyError().getMessage());
    }

    @Test
    void refusesANameThatIsNotUtf8() {
        feed(record(0xAE73, 1, 2, 0, 0, new byte[] {(byte) 0xC3, 0x28}));
        assertEquals("the name is not UTF-8", onlyError().getMessage());
    }

    @Test
    void refusesAMessageThatIsNotUtf8() {
        ByteBuf body = Unpooled.buffer().writeBytes(utf8("ab")).writeByte(0xFF);
        byte[] b = new byte[body.readableBytes()];
        body.readBytes(b);
        feed(record(0xAE73, 2, 1, 1, 1, b));
        assertEquals("the message is not UTF-8", onlyError().getMessage());
    }

    @Test
    void takesTheLongestNamesAndText() {
        String name = "n".repeat(255);
        String receiver = "ü".repeat(127) + "x";
        String text = "t".repeat(65_535);
        feed(create(name, receiver, text));
        assertEquals(new Ae73Decoder.Request(2, name, receiver, text), channel.readInbound());
    }
}
