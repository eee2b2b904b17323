package org.edgenet.common.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.MessageType;
import org.edgenet.common.testing.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame decoder on bytes alone: header checks, length bound, partial frames and the gap timer. */
class FrameDecoderTest {
    private static final Limits LIMITS = new Limits(1024, Duration.ofSeconds(1));

    private final ErrorCapture errors = new ErrorCapture();
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(LIMITS, MessageType::isKnown), errors);

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @Test
    void passesAWholeFrameThroughAsOneBuffer() {
        ByteBuf frame = Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331"));
        byte[] expected = bytes(frame);

        channel.writeInbound(frame);

        assertFrame(expected, channel.readInbound());
        assertNull(channel.readInbound(), "exactly one frame");
        assertTrue(errors.causes.isEmpty(), "no error for a valid frame");
    }

    @Test
    void givesEachFrameABufferOfItsOwn() {
        ByteBuf first = Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331"));
        ByteBuf second = Frames.of(new Login(DeviceName.of("superwristband"), "davidpass"));
        ByteBuf both = Unpooled.buffer().writeBytes(first).writeBytes(second);
        first.release();
        second.release();
        // Heap buffers show their backing array: a view of the input would share its larger one.
        channel.config().setAllocator(new UnpooledByteBufAllocator(false));
        channel.writeInbound(both);

        ByteBuf a = channel.readInbound();
        ByteBuf b = channel.readInbound();
        try {
            assertEquals(a.readableBytes(), a.array().length, "the first frame owns exactly its bytes");
            assertEquals(b.readableBytes(), b.array().length, "the second frame owns exactly its bytes");
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void assemblesAFrameFedOneByteAtATime() {
        byte[] expected = bytes(Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331")));

        for (int i = 0; i < expected.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {expected[i]}));
            assertNull(channel.readInbound(), "no frame before byte " + (i + 1) + " of " + expected.length);
        }
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {expected[expected.length - 1]}));

        assertFrame(expected, channel.readInbound());
        assertTrue(errors.causes.isEmpty(), "no error for a slowly arriving frame");
    }

    @Test
    void splitsTwoFramesArrivingInOneBuffer() {
        byte[] first = bytes(Frames.of(new Login(DeviceName.of("a"), "b")));
        byte[] second = bytes(Frames.of(new ListActive()));

        channel.writeInbound(Unpooled.wrappedBuffer(first, second));

        assertFrame(first, channel.readInbound());
        assertFrame(second, channel.readInbound());
        assertNull(channel.readInbound(), "only two frames");
    }

    @Test
    void rejectsABadMagicNumber() {
        channel.writeInbound(Frames.raw(0xCAFE, WireFormat.VERSION, MessageType.LIST_ACTIVE.code(), 0, new byte[0]));

        assertEquals(ErrorCode.BAD_MAGIC, errors.onlyCode(), "code for a wrong magic number");
    }

    @Test
    void rejectsAnUnsupportedVersion() {
        channel.writeInbound(Frames.raw(WireFormat.MAGIC, 2, MessageType.LIST_ACTIVE.code(), 0, new byte[0]));

        assertEquals(ErrorCode.BAD_VERSION, errors.onlyCode(), "code for version 2");
    }

    @Test
    void rejectsAnUnknownType() {
        channel.writeInbound(Frames.withBody(99, new byte[0]));

        assertEquals(ErrorCode.UNKNOWN_TYPE, errors.onlyCode(), "code for type 99");
    }

    @Test
    void asksTheTypeCheckItIsGivenWhetherATypeIsKnown() {
        ErrorCapture refusals = new ErrorCapture();
        EmbeddedChannel only99 = new EmbeddedChannel(new FrameDecoder(LIMITS, type -> type == 99), refusals);
        try {
            only99.writeInbound(Frames.withBody(99, new byte[0]));
            only99.writeInbound(Frames.of(new ListActive()));

            ((ByteBuf) only99.readInbound()).release();
            assertNull(only99.readInbound(), "no frame of a type the check refuses");
            assertEquals(ErrorCode.UNKNOWN_TYPE, refusals.onlyCode(), "code for a type the check refuses");
        } finally {
            only99.finishAndReleaseAll();
        }
    }

    @Test
    void rejectsAnOversizeLengthFromTheHeaderAlone() {
        // Only the 8 header bytes arrive: the decoder must refuse before waiting for the body.
        channel.writeInbound(Frames.raw(WireFormat.MAGIC, WireFormat.VERSION, MessageType.UPLOAD_CHUNK.code(),
                LIMITS.maxBody() + 1L, new byte[0]));

        assertEquals(ErrorCode.TOO_LARGE, errors.onlyCode(), "code for a body one byte over the limit");
    }

    @Test
    void rejectsALengthWithTheTopBitSet() {
        channel.writeInbound(Frames.raw(WireFormat.MAGIC, WireFormat.VERSION, MessageType.UPLOAD_CHUNK.code(),
                0xFFFF_FFFFL, new byte[0]));

        assertEquals(ErrorCode.TOO_LARGE, errors.onlyCode(), "a u32 length above 2^31 is not a negative int");
    }

    @Test
    void acceptsABodyExactlyAtTheLimit() {
        byte[] body = new byte[LIMITS.maxBody()];
        channel.writeInbound(Frames.withBody(MessageType.UPLOAD_CHUNK.code(), body));

        ByteBuf frame = channel.readInbound();
        try {
            assertEquals(WireFormat.HEADER_LENGTH + body.length, frame.readableBytes(), "whole frame at the limit");
        } finally {
            frame.release();
        }
        assertTrue(errors.causes.isEmpty(), "the limit itself is allowed");
    }

    @Test
    void discardsEverythingAfterTheFirstError() {
        channel.writeInbound(Frames.raw(0xCAFE, WireFormat.VERSION, MessageType.LIST_ACTIVE.code(), 0, new byte[0]));
        channel.writeInbound(Frames.of(new ListActive()));
        channel.writeInbound(Frames.of(new Login(DeviceName.of("a"), "b")));

        assertNull(channel.readInbound(), "valid frames after an error are not decoded");
        assertEquals(ErrorCode.BAD_MAGIC, errors.onlyCode(), "one error, not one per later frame");
    }

    @Test
    void failsAFrameThatStopsArrivingForLongerThanTheGap() {
        channel.freezeTime();
        byte[] frame = bytes(Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331")));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 5));

        channel.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(errors.causes.isEmpty(), "no gap error before a full second");

        channel.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(ErrorCode.FRAME_GAP, errors.onlyCode(), "gap error after a second of silence");

        channel.writeInbound(Unpooled.wrappedBuffer(frame, 5, frame.length - 5));
        assertNull(channel.readInbound(), "the rest of the frame is discarded after the gap");
    }

    @Test
    void measuresTheGapFromTheLastByteReceived() {
        channel.freezeTime();
        byte[] frame = bytes(Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331")));
        for (int i = 0; i < frame.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame, i, 1));
            channel.advanceTimeBy(900, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        channel.writeInbound(Unpooled.wrappedBuffer(frame, frame.length - 1, 1));

        assertFrame(frame, channel.readInbound());
        assertTrue(errors.causes.isEmpty(), "a slow but steady frame is no gap");
    }

    @Test
    void cancelsTheGapTimerWhenTheFrameCompletes() {
        channel.freezeTime();
        byte[] frame = bytes(Frames.of(new ListActive()));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 3));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 3, frame.length - 3));
        assertFrame(frame, channel.readInbound());

        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertTrue(errors.causes.isEmpty(), "no gap error once the frame is whole");
    }

    @Test
    void theGapDoesNotCountWhileTheChannelIsNotRead() {
        channel.freezeTime();
        byte[] frame = bytes(Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331")));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 5));
        channel.advanceTimeBy(500, TimeUnit.MILLISECONDS);

        channel.pipeline().fireUserEventTriggered(ReadingEvent.PAUSED);
        channel.advanceTimeBy(1, TimeUnit.MINUTES);
        channel.runScheduledPendingTasks();
        assertTrue(errors.causes.isEmpty(), "no gap error while the server does not read");

        channel.pipeline().fireUserEventTriggered(ReadingEvent.RESUMED);
        channel.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(errors.causes.isEmpty(), "a full gap after reading resumes");
        channel.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(ErrorCode.FRAME_GAP, errors.onlyCode(), "then the silence is the peer's");
    }

    @Test
    void bytesReadWhilePausedStartNoGapTimer() {
        channel.freezeTime();
        byte[] frame = bytes(Frames.of(new Login(DeviceName.of("supersmartwatch"), "comp9331")));
        channel.pipeline().fireUserEventTriggered(ReadingEvent.PAUSED);
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 5));

        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(errors.causes.isEmpty(), "no gap error while paused");
        channel.pipeline().fireUserEventTriggered(ReadingEvent.RESUMED);
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 5, frame.length - 5));

        assertFrame(frame, channel.readInbound());
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(errors.causes.isEmpty(), "the frame completed in time");
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    private static void assertFrame(byte[] expected, ByteBuf actual) {
        try {
            assertEquals(Unpooled.wrappedBuffer(expected), actual, "frame bytes");
        } finally {
            actual.release();
        }
    }

    /** Records what reaches the end of the pipeline, unwrapping the decoder's wrapper. */
    static final class ErrorCapture extends ChannelInboundHandlerAdapter {
        final List<Throwable> causes = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            causes.add(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
        }

        ErrorCode onlyCode() {
            assertEquals(1, causes.size(), "exactly one error: " + causes);
            Throwable cause = causes.get(0);
            assertTrue(cause instanceof ProtocolException, "a ProtocolException, not " + cause);
            return ((ProtocolException) cause).code();
        }
    }
}
