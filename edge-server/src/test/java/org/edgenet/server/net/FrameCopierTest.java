package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

class FrameCopierTest {
    @Test
    void aFrameSliceIsCopiedAndReleasedSoTheDecoderBufferIsFree() {
        ByteBuf cumulation = Unpooled.copiedBuffer("headerAAbodyBBrest", StandardCharsets.US_ASCII);
        ByteBuf frame = cumulation.retainedSlice(0, 14);
        EmbeddedChannel ch = new EmbeddedChannel(FrameCopier.INSTANCE);
        try {
            ch.writeInbound(frame);
            ByteBuf out = ch.readInbound();
            try {
                assertEquals("headerAAbodyBB", out.toString(StandardCharsets.US_ASCII));
                assertNotSame(cumulation, out.unwrap(), "a buffer of its own, not a view of the decoder's");
                assertEquals(1, cumulation.refCnt(), "the slice's reference was given back");
            } finally {
                out.release();
            }
        } finally {
            cumulation.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void otherMessagesPassUntouched() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameCopier.INSTANCE);
        ch.writeInbound("not a frame");
        assertEquals("not a frame", ch.readInbound());
        ch.finishAndReleaseAll();
    }
}
