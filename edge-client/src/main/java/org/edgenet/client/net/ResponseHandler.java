package org.edgenet.client.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.Notice;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Pairs the server's messages with the device's requests. Requests queue up and go out one at a
 * time: the protocol has no request ids, so the next request is sent only once the current one
 * has its reply. Two kinds of message answer no request and go to their listeners whatever request
 * is current: a {@link Ticket}, which the server pushes whenever another device is about to send
 * this one a file, and the {@link Notice}s of messages left for this device.
 * Everything here runs on the channel's event loop.
 */
final class ResponseHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ResponseHandler.class);

    private final Queue<Exchange<?>> waiting = new ArrayDeque<>();
    /** Where pushed tickets go; until someone listens, they are dropped (this device takes no files). */
    private volatile Consumer<Ticket> tickets = t -> log.debug("No one takes {}", t);
    /** Where notices go; set from any thread, called on the event loop. */
    private volatile Consumer<Notice> notices = n -> log.debug("No listener for {}", n);
    private ChannelHandlerContext ctx;
    private Exchange<?> current;
    private ConnectionLostException closed;
    /** Why the connection is going down, when we know: the server's fatal error or a bad frame. */
    private volatile Throwable closeReason;
    /**
     * When the current request was fully sent, on the event loop's ticker; {@link #NOT_WAITING}
     * while there is none or it is still being sent. Read by the console's thread.
     */
    private volatile long sentAtNanos = NOT_WAITING;
    private static final long NOT_WAITING = Long.MIN_VALUE;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** From now on every notice goes to {@code listener}. */
    void onNotice(Consumer<Notice> listener) {
        notices = listener;
    }

    /** Queues a request; must run on the event loop. */
    void submit(Exchange<?> exchange) {
        assert ctx.executor().inEventLoop();
        if (closed != null) {
            exchange.abandon(closed);
            return;
        }
        waiting.add(exchange);
        if (current == null) {
            startNext();
        }
    }

    void onTicket(Consumer<Ticket> listener) {
        this.tickets = listener;
    }

    void settled(Exchange<?> exchange) {
        if (current == exchange) {
            current = null;
            sentAtNanos = NOT_WAITING;
        }
    }

    void requestSent(Exchange<?> exchange) {
        if (current == exchange) {
            sentAtNanos = ctx.executor().ticker().nanoTime();
        }
    }

    /** The server is sending the reply, or this device is busy with it: it owes nothing for now. */
    void replyArriving(Exchange<?> exchange) {
        if (current == exchange) {
            sentAtNanos = NOT_WAITING;
        }
    }

    /** How long the server has owed the reply to the request in flight; zero when it owes none. */
    Duration waitingForReply() {
        long sent = sentAtNanos;
        return sent == NOT_WAITING ? Duration.ZERO : Duration.ofNanos(ctx.executor().ticker().nanoTime() - sent);
    }

    void startNext() {
        if (current != null || closed != null) {
            return;
        }
        current = waiting.poll();
        if (current != null) {
            current.begin(this, ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof InvalidMessage invalid) {
                // A value no server of ours sends: bad data, like any broken frame.
                throw new ProtocolException(ErrorCode.MALFORMED, invalid.type() + ": " + invalid.reason());
            }
            if (!(msg instanceof Message message)) {
                throw new IllegalStateException("not a message: " + msg.getClass().getName());
            }
            if (message instanceof ErrorReply error && error.code().fatal() && closeReason == null) {
                // The server closes after a fatal error, whether or not it answers a request.
                closeReason = new ServerError(error.code(), error.message());
            }
            if (message instanceof Ticket ticket) {
                tickets.accept(ticket);
            } else if (message instanceof Notice notice) {
                // A notice answers no request, whichever is in flight.
                tell(notice);
            } else if (current != null) {
                current.onReply(ctx, message);
            } else if (message instanceof ErrorReply error) {
                // Unasked: the server is about to close (e.g. SLOW_READER), or a late refusal of
                // an upload that already ended here.
                log.warn("The server reports {}: {}", error.code(), error.message());
            } else {
                throw new Exchange.UnexpectedReplyException(message.type() + " with no request waiting");
            }
        } catch (Exchange.UnexpectedReplyException e) {
            log.warn("Closing the connection: the server sent {}", e.getMessage());
            closeReason = e;
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void tell(Notice notice) {
        try {
            notices.accept(notice);
        } catch (RuntimeException e) {
            log.warn("Handling {} failed", notice, e);
        }
    }

    /** The fatal error the server sent before it closed the connection, if it sent one. */
    Optional<ServerError> farewell() {
        return closeReason instanceof ServerError s ? Optional.of(s) : Optional.empty();
    }

    /** Bad frames and socket errors both end the connection; the log file keeps the reason. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof ProtocolException p) {
            log.warn("Closing the connection: bad data from the server ({}: {})", p.code(), p.getMessage());
        } else if (c instanceof IOException) {
            log.info("Connection to the server failed: {}", c.toString());
        } else {
            log.warn("Unexpected failure on the connection to the server", c);
        }
        if (closeReason == null) {
            closeReason = c;
        }
        ctx.close();
    }

    /** Fails the request in flight and every queued one; later requests fail at once. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = new ConnectionLostException("the connection to the server is closed", closeReason);
        Exchange<?> interrupted = current;
        current = null;
        sentAtNanos = NOT_WAITING;
        if (interrupted != null) {
            interrupted.abandon(closed);
        }
        for (Exchange<?> e; (e = waiting.poll()) != null; ) {
            e.abandon(closed);
        }
        super.channelInactive(ctx);
    }
}
