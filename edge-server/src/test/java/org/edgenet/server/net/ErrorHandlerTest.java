package org.edgenet.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorHandlerTest {
    private final MockTicker ticker = Ticker.newMockTicker();
    private final LogLimiter limiter = new LogLimiter(ticker);
    private final ErrorHandler errors = new ErrorHandler(new Disconnector(limiter));
    private final EmbeddedChannel ch = new EmbeddedChannel(errors);
    private final List<EmbeddedChannel> others = new ArrayList<>();

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
        others.forEach(EmbeddedChannel::finishAndReleaseAll);
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

    @Test
    void aBurstOfBadFramesOnOneConnectionGetsOneReplyAndOneWarning() {
        // While the verdict is still being sent the connection is open and frames decoded with the
        // bad one keep failing: writes here stay pending, as on a socket that has not drained yet.
        List<Object> sent = new ArrayList<>();
        EmbeddedChannel c = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                sent.add(msg);
            }
        }, errors);
        others.add(c);
        try (LogCapture logs = new LogCapture(Disconnector.class)) {
            for (int i = 0; i < 256; i++) {
                c.pipeline().fireExceptionCaught(new DecoderException(
                        new ProtocolException(ErrorCode.MALFORMED, "body ends inside device " + i)));
            }

            assertEquals(List.of(new ErrorReply(ErrorCode.MALFORMED, "body ends inside device 0")), sent,
                    "the first verdict is the only reply");
            assertEquals(List.of("WARN Closing embedded : body ends inside device 0"), logs.lines());
        }
    }

    @Test
    void warningsFromOneAddressAreLimitedAcrossConnectionsAndSummedUp() {
        try (LogCapture logs = new LogCapture(Disconnector.class)) {
            for (int i = 0; i < 20; i++) {
                EmbeddedChannel c = new EmbeddedChannel(errors);
                others.add(c);
                c.pipeline().fireExceptionCaught(new ProtocolException(ErrorCode.BAD_MAGIC, "bad magic 0x4745"));
                assertInstanceOf(ErrorReply.class, c.readOutbound(), "every connection gets its reply");
            }
            for (int i = 0; i < 3; i++) {
                EmbeddedChannel c = new EmbeddedChannel(errors);
                others.add(c);
                c.pipeline().fireExceptionCaught(new ProtocolException(ErrorCode.LOGIN_TIMEOUT, "no login within 30 s"));
            }
            ticker.advance(LogLimiter.WINDOW.toNanos(), TimeUnit.NANOSECONDS);
            limiter.flush();

            List<String> lines = logs.lines();
            assertEquals(5 + 3 + 1, lines.size(), "five violations, the three time-outs, a summary: " + lines);
            assertEquals("WARN Closing embedded : no login within 30 s", lines.get(7), "time-outs count apart");
            assertEquals("WARN Protocol violation from embedded: 15 more like this in the last 10 s", lines.get(8));
        }
    }
}
