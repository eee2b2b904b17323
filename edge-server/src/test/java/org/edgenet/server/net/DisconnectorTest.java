package org.edgenet.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Left;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every verdict of the disconnector, called as the handlers call it, on an embedded channel. */
class DisconnectorTest {
    private final Disconnector disconnector = new Disconnector(new LogLimiter(Ticker.newMockTicker()));
    /** Stands for the handler that calls the disconnector: its context is the one passed in. */
    private final ChannelInboundHandlerAdapter caller = new ChannelInboundHandlerAdapter();
    private final EmbeddedChannel ch = new EmbeddedChannel(caller);
    private final ChannelHandlerContext ctx = ch.pipeline().context(caller);
    private final LogCapture logs = new LogCapture(Disconnector.class);

    @AfterEach
    void tearDown() {
        logs.close();
        ch.finishAndReleaseAll();
    }

    @Test
    void aProtocolViolationIsAnsweredThenTheConnectionClosesWithOneWarning() {
        disconnector.failed(ctx, new DecoderException(new ProtocolException(ErrorCode.MALFORMED, "body ends inside x")));

        assertEquals(new ErrorReply(ErrorCode.MALFORMED, "body ends inside x"), ch.readOutbound());
        assertNull(ch.readOutbound(), "one reply");
        assertFalse(ch.isOpen(), "closed once the reply is written");
        assertEquals(List.of("WARN Closing embedded : body ends inside x"), logs.lines());
    }

    @Test
    void aRefusalIsAnsweredAndTheConnectionStaysOpen() {
        disconnector.failed(ctx, new ProtocolException(ErrorCode.BAD_ARGUMENT, "file ID must not be negative: -1"));

        assertEquals(new ErrorReply(ErrorCode.BAD_ARGUMENT, "file ID must not be negative: -1"), ch.readOutbound());
        assertTrue(ch.isActive(), "the session goes on");
        assertTrue(ch.config().isAutoRead(), "and is read on");
        assertEquals(List.of("INFO Return message: file ID must not be negative: -1"), logs.lines());
    }

    @Test
    void aConnectionThePeerBrokeClosesQuietly() {
        disconnector.failed(ctx, new IOException("Connection reset by peer"));

        assertNull(ch.readOutbound(), "nothing to say to a peer that left");
        assertFalse(ch.isOpen(), "closed");
        assertEquals(List.of(), logs.lines(), "nothing for the operator");
    }

    @Test
    void anUnexpectedFailureIsLoggedOnceWithItsTraceAndClosesWithoutTellingThePeer() {
        disconnector.failed(ctx, new CompletionException(new IllegalStateException("internal detail")));
        disconnector.failed(ctx, new IllegalStateException("and again"));

        assertNull(ch.readOutbound(), "no internal detail leaves the server");
        assertFalse(ch.isOpen(), "closed");
        assertEquals(List.of("ERROR Unexpected failure on embedded +trace"), logs.warnings(), "once");
    }

    @Test
    void afterTheFirstClosingVerdictNothingIsSentOrLogged() {
        // Writes stay pending here, as on a socket that has not drained: the connection is open
        // while its verdict is on the way, and late failures of every kind keep arriving.
        List<Object> sent = new ArrayList<>();
        ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter();
        EmbeddedChannel pending = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                sent.add(msg);
            }
        }, handler);
        try {
            ChannelHandlerContext c = pending.pipeline().context(handler);
            disconnector.failed(c, new ProtocolException(ErrorCode.LOGIN_TIMEOUT, "no login within 30 s"));
            disconnector.failed(c, new ProtocolException(ErrorCode.MALFORMED, "a frame decoded before"));
            disconnector.failed(c, new ProtocolException(ErrorCode.NO_SUCH_FILE, "a refusal after"));
            disconnector.requestFailed(c, "SCS on file 1 for supersmartwatch", new IllegalStateException("late"));
            disconnector.closeAfter(c, new LoginReply(LoginStatus.BLOCKED));
            disconnector.refuseAndClose(c, new ProtocolException(ErrorCode.OUT_OF_SPACE, "a join after"));
            disconnector.failed(c, new IllegalStateException("a bug after"));

            assertEquals(List.of(new ErrorReply(ErrorCode.LOGIN_TIMEOUT, "no login within 30 s")), sent,
                    "the first verdict is the only thing sent");
            assertEquals(List.of("WARN Closing embedded : no login within 30 s"), logs.lines(), "and logged");
            assertTrue(pending.isOpen(), "closing once the reply is written");
            assertFalse(pending.config().isAutoRead(), "no frame already decoded is served meanwhile");

            disconnector.failed(c, new IOException("Connection reset by peer"));
            assertFalse(pending.isOpen(), "a peer that is gone is let go at once");
            assertEquals(1, sent.size(), "still nothing more sent");
            assertEquals(1, logs.lines().size(), "nor logged");
        } finally {
            pending.finishAndReleaseAll();
        }
    }

    @Test
    void aRequestTheServicesRefusedIsAnsweredWithTheirRefusal() {
        disconnector.requestFailed(ctx, "SCS on file 9 for supersmartwatch",
                new CompletionException(new ProtocolException(ErrorCode.NO_SUCH_FILE, "file 9 does not exist")));

        assertEquals(new ErrorReply(ErrorCode.NO_SUCH_FILE, "file 9 does not exist"), ch.readOutbound());
        assertTrue(ch.isActive(), "the session goes on");
        assertEquals(List.of("INFO Return message: file 9 does not exist"), logs.lines());
    }

    @Test
    void aRequestThatFailedOtherwiseIsLoggedAndTheDeviceToldOnlyThatTheServerFailed() {
        disconnector.requestFailed(ctx, "Storing file 3 for supersmartwatch", new IllegalStateException("disk detail"));
        disconnector.requestFailed(ctx, "DTE of file 4 for supersmartwatch",
                new ProtocolException(ErrorCode.MALFORMED, "a fatal code from a service"));

        ErrorReply internal = new ErrorReply(ErrorCode.INTERNAL, "the server could not complete the request");
        assertEquals(internal, ch.readOutbound());
        assertEquals(internal, ch.readOutbound(), "never closes for a request: the device did nothing wrong");
        assertTrue(ch.isActive(), "the session goes on");
        assertEquals(List.of("ERROR Storing file 3 for supersmartwatch failed +trace",
                "ERROR DTE of file 4 for supersmartwatch failed +trace"), logs.warnings());
    }

    @Test
    void aRequestThatFailsAfterTheDeviceLeftIsDroppedSilently() {
        ch.close();
        disconnector.requestFailed(ctx, "SCS on file 1 for supersmartwatch", new IllegalStateException("late"));

        assertNull(ch.readOutbound(), "nobody to tell");
        assertEquals(List.of(), logs.lines());
    }

    @Test
    void aRefusalItsCallerHasLoggedIsAnsweredWithoutALineOfItsOwnAndNotAfterTheVerdict() {
        disconnector.requestRefused(ctx, new ProtocolException(ErrorCode.BAD_ARGUMENT, "there is no edge device called x"));

        assertEquals(new ErrorReply(ErrorCode.BAD_ARGUMENT, "there is no edge device called x"), ch.readOutbound());
        assertTrue(ch.isActive(), "the session goes on");
        assertEquals(List.of(), logs.lines(), "the caller logged it in its own words");

        disconnector.closeAfter(ctx, new ErrorReply(ErrorCode.SLOW_READER, "replies unread"));
        ch.readOutbound();
        disconnector.requestRefused(ctx, new ProtocolException(ErrorCode.MAILBOX_FULL, "the mailbox of x is full"));
        assertNull(ch.readOutbound(), "nothing after the closing verdict");
    }

    @Test
    void aRefusedJoinIsAnsweredAndClosesWhateverItsCode() {
        disconnector.refuseAndClose(ctx, new ProtocolException(ErrorCode.OUT_OF_SPACE, "the server is out of disk space"));

        assertEquals(new ErrorReply(ErrorCode.OUT_OF_SPACE, "the server is out of disk space"), ch.readOutbound());
        assertFalse(ch.isOpen(), "closed although the code lets a session go on");
    }

    @Test
    void theReadGateSeesTheVerdictAndClosesAfterTheGraceIfTheLastReplyIsNeverTaken() {
        ChannelInboundHandlerAdapter handler = new ChannelInboundHandlerAdapter();
        ReadGate gate = new ReadGate(Duration.ofSeconds(30));
        EmbeddedChannel stuck = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                // Never written: a peer that does not read.
            }
        }, gate, handler);
        try {
            stuck.freezeTime();
            disconnector.refuseAndClose(stuck.pipeline().context(handler),
                    new ProtocolException(ErrorCode.OUT_OF_SPACE, "the server is out of disk space"));
            assertTrue(gate.holds(ReadGate.Reason.CLOSING), "nothing more is read");
            assertTrue(stuck.isOpen(), "the reply is given its chance");

            stuck.advanceTimeBy(ReadGate.CLOSE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            stuck.runScheduledPendingTasks();

            assertFalse(stuck.isOpen(), "closed without the peer reading");
        } finally {
            stuck.finishAndReleaseAll();
        }
    }

    @Test
    void theLastMessageGoesOutThenTheConnectionClosesWithoutALogLine() {
        disconnector.closeAfter(ctx, new Left(DeviceName.of("supersmartwatch")));
        disconnector.failed(ctx, new ProtocolException(ErrorCode.SLOW_READER, "replies not read for 30 s"));

        assertEquals(new Left(DeviceName.of("supersmartwatch")), ch.readOutbound());
        assertNull(ch.readOutbound(), "nothing after the last message");
        assertFalse(ch.isOpen(), "closed");
        assertEquals(List.of(), logs.lines(), "the caller says why, if anything");
    }
}
