package org.edgenet.client.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What reaches TLS, and what is kept as the server's refusal, when a TLS device reads its first bytes. */
class PlainRefusalDetectorTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new PlainRefusalDetector());

    private static ByteBuf frame(ErrorCode code, String text) {
        EmbeddedChannel encoder = new EmbeddedChannel(MessageCodec.INSTANCE);
        encoder.writeOutbound(new ErrorReply(code, text));
        return encoder.readOutbound();
    }

    @Test
    void keepsTheReasonOfAServerThatIsFullAndCloses() {
        ByteBuf full = frame(ErrorCode.SERVER_FULL, "the server is full");
        // Byte by byte, as a slow network may hand it over.
        while (full.isReadable()) {
            channel.writeInbound(full.readRetainedSlice(1));
        }
        full.release();

        assertEquals("the server is full", channel.attr(PlainRefusalDetector.REFUSAL).get(), "the reason");
        assertFalse(channel.isOpen(), "closed");
        assertNull(channel.readInbound(), "nothing reaches TLS");
    }

    @Test
    void passesATlsRecordOnUntouchedAndStepsAside() {
        byte[] hello = {0x16, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00};
        channel.writeInbound(Unpooled.wrappedBuffer(hello));

        ByteBuf passed = channel.readInbound();
        assertEquals(Unpooled.wrappedBuffer(hello), passed, "the record as it came");
        passed.release();
        assertNull(channel.pipeline().get(PlainRefusalDetector.class), "out of the way for the rest");
        assertTrue(channel.isOpen());
    }

    @Test
    void leavesAnyOtherPlainErrorToTlsSoThatAPlainServerIsToldApart() {
        // A plain server answers a TLS hello with BAD_MAGIC: that is "the server does not speak TLS".
        ByteBuf badMagic = frame(ErrorCode.BAD_MAGIC, "bad magic 0x1603");
        int length = badMagic.readableBytes();
        channel.writeInbound(badMagic);

        ByteBuf passed = channel.readInbound();
        assertEquals(length, passed.readableBytes(), "the whole frame goes on");
        passed.release();
        assertNull(channel.attr(PlainRefusalDetector.REFUSAL).get(), "no refusal kept");
    }
}
