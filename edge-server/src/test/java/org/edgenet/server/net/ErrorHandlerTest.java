package org.edgenet.server.net;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorHandlerTest {
    private final EmbeddedChannel ch = new EmbeddedChannel(ErrorHandler.INSTANCE);

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    @Test
    void aProtocolViolationIsAnsweredThenTheConnectionCloses() {
        ch.pipeline().fireExceptionCaught(new DecoderException(new ProtocolException(ErrorCode.BAD_MAGIC, "bad magic 0x1234")));
        assertEquals(new ErrorReply(ErrorCode.BAD_MAGIC, "bad magic 0x1234"), ch.readOutbound());
        assertFalse(ch.isOpen(), "closed after the reply");
    }

    @Test
    void aRefusedRequestIsAnsweredAndTheSessionGoesOn() {
        ch.pipeline().fireExceptionCaught(new CompletionException(new ProtocolException(ErrorCode.NO_SUCH_FILE, "no file 3")));
        assertEquals(new ErrorReply(ErrorCode.NO_SUCH_FILE, "no file 3"), ch.readOutbound());
        assertTrue(ch.isActive(), "still open");
    }

    @Test
    void aBrokenConnectionClosesWithoutAReply() {
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertNull(ch.readOutbound(), "nothing to say to a peer that left");
        assertFalse(ch.isOpen(), "closed");
    }

    @Test
    void aBugClosesTheConnectionWithoutTellingThePeerDetails() {
        ch.pipeline().fireExceptionCaught(new IllegalStateException("internal detail"));
        assertNull(ch.readOutbound(), "no internal detail leaves the server");
        assertFalse(ch.isOpen(), "closed");
    }
}
