package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.testing.Frames;
import org.edgenet.common.trace.TempId;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message through the real decoder pipeline and back out, on bytes. */
class MessageCodecTest {
    private final List<Throwable> errors = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new FrameDecoder(Limits.SERVER,
                    MessageType::isKnown), MessageCodec.INSTANCE, new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    errors.add(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
                }
            });

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    private static final Ticket TICKET = new Ticket(-2, DeviceName.of("supersmartwatch"),
            DeviceName.of("uav-camera"), key(), Duration.ofSeconds(30));

    private static byte[] key() {
        byte[] key = new byte[Ticket.KEY_LENGTH];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        return key;
    }

    /** One of each type, with fields that exercise non-ASCII text, large numbers and empty lists. */
    private static List<Message> oneOfEach() {
        DeviceInfo watch = new DeviceInfo(DeviceName.of("supersmartwatch"), "129.64.31.13", 5432,
                "30 September 2022 10:31:13");
        DeviceInfo band = new DeviceInfo(DeviceName.of("superwristband"), "::1", 65535, "1 October 2022 00:00:00");
        return List.of(
                new Login(DeviceName.of("supersmartwatch"), "pässwörd#$"),
                new LoginReply(LoginStatus.BLOCKED_NOW),
                new RegisterUdp(65535),
                new Joined(DeviceName.of("supersmartwatch"), "30 September 2022 10:31:13"),
                new ListActive(),
                new ActiveDevices(List.of(watch, band)),
                new Leave(),
                new Left(DeviceName.of("supersmartwatch")),
                new UploadBegin(FileId.of(Long.MAX_VALUE)),
                new UploadEnd(),
                new UploadAbort("the device could not read its file"),
                new Uploaded(FileId.of(7), 1_000_000_000_000L),
                new Compute(FileId.of(1), Operation.AVERAGE),
                new Computed(FileId.of(1), Operation.SUM, "-123456789012345678901234567890"),
                new Delete(FileId.of(0)),
                new Deleted(FileId.of(3), 10),
                new LookupPeer(DeviceName.of("uav-camera")),
                new Peer(DeviceName.of("uav-camera"), "10.0.0.5", 8000, TICKET),
                TICKET,
                new ErrorReply(ErrorCode.INVALID_DATA, "line 3: 'x' is not an integer"),
                new PostMessage(DeviceName.of("superwristband"), "héllo ☃, see you at 10"),
                new MessagePosted(DeviceName.of("superwristband"), Long.MAX_VALUE),
                new ReadMessages(255),
                new MessageBatch(List.of(new MailItem(1, "supersmartwatch", "30 September 2022 10:31:13", "ünïcode"),
                        new MailItem(70_000, "Ωmega", "1 October 2022 00:00:00", "x".repeat(65_535))), 300),
                new MessageBatch(List.of(), 0),
                new AckMessages(70_000),
                new MessagesAcked(45),
                new MessageArrived("supersmartwatch"),
                new MessagesWaiting(3),
                new Download(FileId.of(Long.MAX_VALUE)),
                new DownloadBegin(FileId.of(3), 1L << 40),
                new DownloadEnd(key()),
                new DownloadCancel(),
                new DownloadCancelled(),
                new GetTempId(),
                new TempIdIssued(WINDOW),
                new UploadContacts(List.of(WINDOW, new TempIdWindow(TempId.of("00000000000000000000"),
                        LocalDateTime.of(2020, 2, 29, 23, 59, 59), LocalDateTime.of(2020, 3, 1, 0, 14, 59)))),
                new UploadContacts(List.of()),
                new ContactsReceived(1_000),
                new ExposureNotice(WINDOW.start(), WINDOW.expiry()),
                new KeepAlive());
    }

    private static final TempIdWindow WINDOW = new TempIdWindow(TempId.of("12345678901234567890"),
            LocalDateTime.of(2020, 9, 24, 10, 31, 0), LocalDateTime.of(2020, 9, 24, 10, 46, 0));

    @Test
    void anUploadedContactLogWithABadEntryBecomesAnInvalidMessageAndFramingGoesOn() {
        ByteBuf body = Unpooled.buffer();
        body.writeShort(2);
        WINDOW.write(body);
        body.writeCharSequence("1234567890123456789x24/09/2020 10:31:0024/09/2020 10:46:00", StandardCharsets.US_ASCII);
        channel.writeInbound(Frames.withBody(MessageType.UPLOAD_CONTACTS.code(), bytes(body)));
        channel.writeInbound(Frames.of(new GetTempId()));

        InvalidMessage invalid = channel.readInbound();
        assertEquals("contact-log entry 2 is not valid: a TempID is 20 decimal digits", invalid.reason(), "why");
        assertEquals(new GetTempId(), channel.readInbound(), "the next frame is read as usual");
    }

    @Test
    void refusesAContactLogOfMoreEntriesThanOneUploadCarries() {
        ByteBuf body = Unpooled.buffer();
        body.writeShort(UploadContacts.MAX_ENTRIES + 1);
        channel.writeInbound(Frames.withBody(MessageType.UPLOAD_CONTACTS.code(), bytes(body)));

        assertEquals(ErrorCode.MALFORMED, ((ProtocolException) errors.get(0)).code(), "too many entries");
    }

    @Test
    void readsTheContactLogEntryAsThe58BytesOf002() {
        ByteBuf out = Unpooled.buffer();
        WINDOW.write(out);

        assertEquals("1234567890123456789024/09/2020 10:31:0024/09/2020 10:46:00",
                out.toString(StandardCharsets.US_ASCII), "TempID, start and expiry, no separators");
    }

    @Test
    void roundTripsEveryMessageTypeThroughTheDecoderPipeline() {
        Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
        for (Message m : oneOfEach()) {
            channel.writeInbound(Frames.of(m));
            assertEquals(m, channel.readInbound(), "decoded " + m.type());
            seen.add(m.type());
        }
        byte[] data = "1\n2\n3\n".getBytes(StandardCharsets.US_ASCII);
        channel.writeInbound(Frames.withBody(MessageType.UPLOAD_CHUNK.code(), data));
        UploadChunk chunk = channel.readInbound();
        try {
            assertArrayEquals(data, bytes(chunk.content()), "chunk bytes");
        } finally {
            chunk.release();
        }
        seen.add(MessageType.UPLOAD_CHUNK);
        channel.writeInbound(Frames.withBody(MessageType.DOWNLOAD_CHUNK.code(), data));
        DownloadChunk down = channel.readInbound();
        try {
            assertArrayEquals(data, bytes(down.content()), "download chunk bytes");
        } finally {
            down.release();
        }
        seen.add(MessageType.DOWNLOAD_CHUNK);

        assertEquals(EnumSet.allOf(MessageType.class), seen, "every type is covered");
        assertTrue(errors.isEmpty(), "no errors: " + errors);
    }

    @Test
    void encodesEveryMessageToTheBytesTheFrameBuilderExpects() {
        for (Message m : oneOfEach()) {
            channel.writeOutbound(m);
            ByteBuf expected = Frames.of(m);
            ByteBuf actual = channel.readOutbound();
            try {
                assertEquals(expected, actual, "bytes of " + m.type());
            } finally {
                expected.release();
                actual.release();
            }
        }
    }

    @Test
    void sendsAnUploadChunkAsAHeaderFollowedByTheUntouchedData() {
        byte[] data = new byte[WireFormat.UPLOAD_CHUNK_SIZE];
        data[0] = '4';
        data[data.length - 1] = '\n';
        channel.writeOutbound(new UploadChunk(Unpooled.wrappedBuffer(data)));

        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        // The composite owns both parts: releasing it releases them.
        ByteBuf sent = Unpooled.wrappedBuffer(header, body);
        ByteBuf expected = Frames.withBody(MessageType.UPLOAD_CHUNK.code(), data);
        try {
            assertEquals(WireFormat.HEADER_LENGTH, header.readableBytes(), "the header alone first");
            assertEquals(expected, sent, "header and data together");
        } finally {
            sent.release();
            expected.release();
        }
    }

    @Test
    void decodesAMessageFedOneByteAtATime() {
        Message m = new ActiveDevices(List.of(
                new DeviceInfo(DeviceName.of("yoda-wristband"), "127.0.0.1", 9000, "2 May 2024 01:02:03")));
        byte[] frame = bytes(Frames.of(m));
        for (byte b : frame) {
            assertNull(channel.readInbound(), "nothing before the last byte");
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(m, channel.readInbound(), "the whole message after the last byte");
    }

    @Test
    void rejectsABodyThatEndsInsideAField() {
        byte[] body = bytes(Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331")));
        byte[] truncated = java.util.Arrays.copyOfRange(body, WireFormat.HEADER_LENGTH, body.length - 2);

        channel.writeInbound(Frames.withBody(MessageType.LOGIN.code(), truncated));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for a truncated body");
    }

    @Test
    void rejectsTrailingBytesAfterTheLastField() {
        channel.writeInbound(Frames.withBody(MessageType.LIST_ACTIVE.code(), new byte[] {0}));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for an extra byte after an empty body");
    }

    @Test
    void rejectsInvalidUtf8InAString() {
        // Length 2, then a lone continuation byte and an overlong encoding.
        channel.writeInbound(Frames.withBody(MessageType.LEFT.code(), new byte[] {0, 2, (byte) 0x80, (byte) 0xC0}));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for bytes that are not UTF-8");
    }

    @Test
    void rejectsAStringLengthBeyondTheBody() {
        channel.writeInbound(Frames.withBody(MessageType.LOOKUP_PEER.code(), new byte[] {0, 10, 'a', 'b'}));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for a string longer than its body");
    }

    @Test
    void rejectsAMessageBatchWhoseCountCannotFitItsBody() {
        // 200 messages announced, 4 bytes of "waiting" follow: no allocation for 200 is made.
        channel.writeInbound(Frames.withBody(MessageType.MESSAGE_BATCH.code(), new byte[] {(byte) 200, 0, 0, 0, 1}));
        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for a count beyond the body");
    }

    @Test
    void rejectsAMessageBatchThatClaimsFewerWaitingThanItHolds() {
        ByteBuf frame = Frames.of(new MessageBatch(List.of(new MailItem(1, "a", "t", "x")), 1));
        frame.setInt(frame.writerIndex() - 4, 0);
        channel.writeInbound(frame);
        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for a batch larger than what waits");
    }

    @Test
    void rejectsAnUnknownLoginStatus() {
        channel.writeInbound(Frames.withBody(MessageType.LOGIN_REPLY.code(), new byte[] {(byte) LoginStatus.values().length}));
        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for a status past the last one");
    }

    @Test
    void rejectsAnUnknownOperation() {
        byte[] body = new byte[9];
        body[8] = (byte) Operation.values().length;
        channel.writeInbound(Frames.withBody(MessageType.COMPUTE.code(), body));
        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for an operation past the last one");
    }

    @Test
    void rejectsADeviceCountThatCannotFitTheBody() {
        channel.writeInbound(Frames.withBody(MessageType.ACTIVE_DEVICES.code(), new byte[] {0x7F, -1, -1, -1}));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "a huge count is refused before allocating a list");
    }

    @Test
    void rejectsUdpPortZero() {
        channel.writeInbound(Frames.withBody(MessageType.REGISTER_UDP.code(), new byte[] {0, 0}));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for UDP port 0");
    }

    @Test
    void keepsGoingAfterAMalformedBodyBecauseTheFrameBoundaryIsIntact() {
        channel.writeInbound(Frames.withBody(MessageType.LIST_ACTIVE.code(), new byte[] {0}));
        channel.writeInbound(Frames.of(new Leave()));

        assertEquals(List.of(ErrorCode.MALFORMED), errors.stream().map(e -> ((ProtocolException) e).code()).toList(),
                "the malformed frame is reported once");
        assertEquals(new Leave(), channel.readInbound(), "framing is intact; the handler after decides to close");
    }

    @Test
    void refusesAFrameOfAnUnknownTypeEvenWithoutTheFrameDecoder() {
        ByteBuf frame = Frames.withBody(99, new byte[0]);
        try {
            ProtocolException e = assertThrows(ProtocolException.class, () -> MessageCodec.decode(frame),
                    "decode type 99");
            assertEquals(ErrorCode.UNKNOWN_TYPE, e.code(), "code for type 99");
        } finally {
            frame.release();
        }
    }

    @Test
    void readsAnErrorCodeFromANewerServerAsInternalWithItsNumber() {
        byte[] message = "disk quota reached".getBytes(StandardCharsets.UTF_8);
        ByteBuf body = Unpooled.buffer().writeShort(150).writeShort(message.length).writeBytes(message);
        channel.writeInbound(Frames.withBody(MessageType.ERROR.code(), bytes(body)));
        body.release();

        assertEquals(new ErrorReply(ErrorCode.INTERNAL, "error 150: disk quota reached"), channel.readInbound(),
                "a generic error that still shows the server's number and text");
        assertTrue(errors.isEmpty(), "no errors: " + errors);
    }

    @Test
    void rejectsATicketNamingAnInvalidDeviceOrWithoutALifetime() {
        byte[] good = bytes(Frames.of(TICKET));
        byte[] body = java.util.Arrays.copyOfRange(good, WireFormat.HEADER_LENGTH, good.length);
        byte[] badName = body.clone();
        badName[10] = '/';
        byte[] noLifetime = body.clone();
        java.util.Arrays.fill(noLifetime, noLifetime.length - 4, noLifetime.length, (byte) 0);

        channel.writeInbound(Frames.withBody(MessageType.TICKET.code(), badName));
        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for a presenter name with a slash");
        errors.clear();
        channel.writeInbound(Frames.withBody(MessageType.TICKET.code(), noLifetime));
        assertEquals(ErrorCode.MALFORMED, onlyCode(), "code for a lifetime of 0 ms");
    }

    @Test
    void neverShowsTheKeyOfATicket() {
        String shown = TICKET.toString() + new Peer(DeviceName.of("uav-camera"), "10.0.0.5", 8000, TICKET);
        assertTrue(!shown.contains("[1, 8") && !shown.toLowerCase().contains("key"), "key hidden: " + shown);
    }

    @Test
    void neverShowsThePasswordOfALogin() {
        assertTrue(!new Login(DeviceName.of("supersmartwatch"), "comp9331").toString().contains("comp9331"),
                "password hidden");
    }

    // Refused values: the frame is well formed, so it is read whole and handed on in its turn.

    @Test
    void aLoginWithAnInvalidNameBecomesAnInvalidMessageThatNeverRepeatsTheName() {
        channel.writeInbound(Frames.withBody(MessageType.LOGIN.code(), strings("../../etc/passwd", "x")));

        assertEquals(new InvalidMessage(MessageType.LOGIN, "not a valid device name"), channel.readInbound());
        assertTrue(errors.isEmpty(), "not an error of the frame: " + errors);
    }

    @Test
    void aMessageToAnInvalidNameBecomesAnInvalidMessageAndFramingGoesOn() {
        channel.writeInbound(Unpooled.wrappedBuffer(
                Frames.withBody(MessageType.POST_MESSAGE.code(), strings("../" + "x".repeat(300), "hello")),
                Frames.of(new ReadMessages(1))));

        assertEquals(new InvalidMessage(MessageType.POST_MESSAGE, "not a valid device name"), channel.readInbound());
        assertEquals(new ReadMessages(1), channel.readInbound(), "the text was read too, so the next frame is whole");
        assertTrue(errors.isEmpty(), "not an error of the frame: " + errors);
    }

    @Test
    void aNegativeFileIdBecomesAnInvalidMessageInItsTurnBetweenTheMessagesAroundIt() {
        byte[] minusOne = {-1, -1, -1, -1, -1, -1, -1, -1};
        byte[] computeMinusOne = java.util.Arrays.copyOf(minusOne, 9);
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.of(new ListActive()),
                Frames.withBody(MessageType.UPLOAD_BEGIN.code(), minusOne),
                Frames.withBody(MessageType.COMPUTE.code(), computeMinusOne),
                Frames.withBody(MessageType.DELETE.code(), minusOne),
                Frames.of(new Leave())));

        String reason = "file ID must not be negative: -1";
        assertEquals(new ListActive(), channel.readInbound());
        assertEquals(new InvalidMessage(MessageType.UPLOAD_BEGIN, reason), channel.readInbound());
        assertEquals(new InvalidMessage(MessageType.COMPUTE, reason), channel.readInbound());
        assertEquals(new InvalidMessage(MessageType.DELETE, reason), channel.readInbound());
        assertEquals(new Leave(), channel.readInbound(), "framing goes on");
        assertTrue(errors.isEmpty(), "no errors: " + errors);
    }

    @Test
    void aRefusedValueFollowedByStrayBytesIsStillAMalformedFrame() {
        byte[] minusOneAndMore = {-1, -1, -1, -1, -1, -1, -1, -1, 0};
        channel.writeInbound(Frames.withBody(MessageType.DELETE.code(), minusOneAndMore));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "the frame is broken whatever its values");
    }

    @Test
    void anInvalidNameInAServersReplyIsHandedOnForTheDeviceToRefuse() {
        channel.writeInbound(Frames.withBody(MessageType.JOINED.code(), strings("a/b", "30 September 2022 10:31:13")));

        assertEquals(new InvalidMessage(MessageType.JOINED, "not a valid device name"), channel.readInbound());
    }

    @Test
    void decodingAFrameByHandThrowsTheRefusal() {
        ByteBuf frame = Frames.withBody(MessageType.LOOKUP_PEER.code(), strings(".."));
        try {
            InvalidValueException e = assertThrows(InvalidValueException.class, () -> MessageCodec.decode(frame));
            assertEquals("not a valid device name", e.getMessage());
        } finally {
            frame.release();
        }
    }

    @Test
    void theRefusalOfAnInvalidMessageIsABadArgumentThatKeepsTheSession() {
        ProtocolException refusal = new InvalidMessage(MessageType.COMPUTE,
                "file ID must not be negative: -3").refusal();
        assertEquals(ErrorCode.BAD_ARGUMENT, refusal.code());
        assertEquals("file ID must not be negative: -3", refusal.getMessage());
        assertFalse(refusal.code().fatal(), "the session goes on");
    }

    /** Body bytes of string fields, each behind its u16 length. */
    private static byte[] strings(String... values) {
        ByteBuf body = Unpooled.buffer();
        for (String v : values) {
            BodyFields.writeString(body, v);
        }
        try {
            return bytes(body);
        } finally {
            body.release();
        }
    }

    private ErrorCode onlyCode() {
        assertEquals(1, errors.size(), "exactly one error: " + errors);
        Throwable cause = errors.get(0);
        assertTrue(cause instanceof ProtocolException, "a ProtocolException, not " + cause);
        assertNull(channel.readInbound(), "nothing decoded from a bad frame");
        return ((ProtocolException) cause).code();
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }
}
