package org.edgenet.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the one request of an 0xAE73 connection against the shared {@link MessageStore}, as the
 * 003 message server does:
 * <ul>
 *   <li>create: stores the message under the receiver's name, then closes without a response,
 *       only once the message is on the disk;</li>
 *   <li>read: answers with one MessageResponse record holding the oldest messages of the name, at
 *       most 255, FIFO, {@code MoreMsgs} 1 when more remain; removes them once the record is
 *       written and flushed, then closes. Until then no other reader is shown them; a response
 *       that is not sent gives them back.</li>
 * </ul>
 * Every error closes the connection with one log line and nothing else. The record:
 *
 * <pre>
 *  0         2     3          4          5
 *  +---------+-----+----------+----------+---------------------------------------------------+
 *  | MagicNo | ID  | NumItems | MoreMsgs | per message: SenderLen u8, MessageLen u16,        |
 *  | 0xAE73  | 3   | u8       | 0 or 1   |              sender, message (UTF-8)              |
 *  +---------+-----+----------+----------+---------------------------------------------------+
 * </pre>
 *
 * A response holds up to 255 texts of 64 KiB, some 16 MiB, so at most {@link #MAX_READS} are made
 * at once; a read beyond that is closed unanswered, as if it had not come. A response the client
 * does not take within {@link #WRITE_TIMEOUT} is given up and removes nothing. Holds no state of
 * its own connection, so one instance serves every 0xAE73 connection.
 */
@ChannelHandler.Sharable
public final class Ae73Handler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Ae73Handler.class);
    /** Every line of the message port, per address: nothing there is authenticated. */
    static final LogLimiter.Kind EVENT = new LogLimiter.Kind("Message port", log, Level.INFO);
    static final LogLimiter.Kind VIOLATION = new LogLimiter.Kind("Message port violation", log, Level.WARN);

    public static final int RESPONSE_ID = 3;
    static final int MAX_READS = 8;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final MessageStore store;
    private final LogLimiter logLimiter;
    private final AtomicInteger readsInFlight = new AtomicInteger();

    public Ae73Handler(MessageStore store, LogLimiter logLimiter) {
        this.store = store;
        this.logLimiter = logLimiter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Ae73Decoder.Request request)) {
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("not an 0xAE73 request: " + msg.getClass().getName());
        }
        if (request.isRead()) {
            read(ctx, request.name());
        } else {
            create(ctx, request);
        }
    }

    private void create(ChannelHandlerContext ctx, Ae73Decoder.Request r) {
        store.post(r.name(), r.receiver(), r.text()).whenCompleteAsync((id, e) -> {
            if (e == null) {
                event(ctx, "0xAE73 message from {} to {} stored ({} bytes, from {})", shown(r.name()),
                        shown(r.receiver()), r.text().getBytes(StandardCharsets.UTF_8).length,
                        RemoteAddressFormat.ipAndPort(ctx.channel()));
            } else {
                Throwable cause = Disconnector.causeOf(e);
                if (cause instanceof ProtocolException p) {
                    event(ctx, "0xAE73 message from {} to {} refused: {}", shown(r.name()), shown(r.receiver()),
                            p.getMessage());
                } else {
                    log.error("Storing an 0xAE73 message for {} failed", shown(r.receiver()), cause);
                }
            }
            // No response in either case: 003 has none for a create.
            ctx.close();
        }, ctx.executor());
    }

    private void read(ChannelHandlerContext ctx, String name) {
        if (readsInFlight.incrementAndGet() > MAX_READS) {
            readsInFlight.decrementAndGet();
            violation(ctx, "too many reads at once; try again");
            ctx.close();
            return;
        }
        MessageStore.Reader reader = store.reader(name);
        // Whatever ends the connection before the response is out gives the messages back.
        ctx.channel().closeFuture().addListener(f -> reader.close());
        reader.read(MessageStore.MAX_READ, Integer.MAX_VALUE).whenCompleteAsync((batch, e) -> {
            if (e != null) {
                readsInFlight.decrementAndGet();
                log.error("Reading the messages of {} for the message port failed", shown(name), Disconnector.causeOf(e));
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                readsInFlight.decrementAndGet();
                return;
            }
            ByteBuf response = encode(ctx, batch);
            ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
                violation(ctx, "the response was not taken within " + WRITE_TIMEOUT.toSeconds() + " s");
                ctx.close();
            }, WRITE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
                timeout.cancel(false);
                readsInFlight.decrementAndGet();
                if (!f.isSuccess()) {
                    log.debug("0xAE73 response to {} not sent: {}", RemoteAddressFormat.ipAndPort(ctx.channel()), f.cause().toString());
                    ctx.close();
                    return;
                }
                int n = batch.messages().size();
                event(ctx, "0xAE73 read of {} from {}: {} {} sent{}", shown(name), RemoteAddressFormat.ipAndPort(ctx.channel()), n,
                        n == 1 ? "message" : "messages", batch.more() ? ", more waiting" : "");
                if (!batch.messages().isEmpty()) {
                    // Taken out at once, so the close below gives nothing back.
                    reader.remove(batch.lastId());
                }
                ctx.close();
            });
        }, ctx.executor());
    }

    /** The MessageResponse record of {@code batch}. */
    static ByteBuf encode(ChannelHandlerContext ctx, MessageStore.Batch batch) {
        ByteBuf out = ctx.alloc().buffer();
        out.writeShort(Ae73Decoder.MAGIC);
        out.writeByte(RESPONSE_ID);
        out.writeByte(batch.messages().size());
        out.writeByte(batch.more() ? 1 : 0);
        for (MessageStore.Stored m : batch.messages()) {
            byte[] sender = m.sender().getBytes(StandardCharsets.UTF_8);
            byte[] text = m.text().getBytes(StandardCharsets.UTF_8);
            out.writeByte(sender.length);
            out.writeShort(text.length);
            out.writeBytes(sender);
            out.writeBytes(text);
        }
        return out;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = Disconnector.causeOf(cause);
        if (t instanceof ProtocolException p) {
            violation(ctx, p.getMessage());
        } else if (t instanceof IOException) {
            log.debug("0xAE73 connection {} failed: {}", RemoteAddressFormat.ipAndPort(ctx.channel()), t.toString());
        } else {
            log.error("Unexpected failure on 0xAE73 connection {}", RemoteAddressFormat.ipAndPort(ctx.channel()), t);
        }
        ctx.close();
    }

    private void event(ChannelHandlerContext ctx, String format, Object... args) {
        if (logLimiter.admit(EVENT, RemoteAddressFormat.ip(ctx.channel()))) {
            log.info(format, args);
        }
    }

    private void violation(ChannelHandlerContext ctx, String reason) {
        if (logLimiter.admit(VIOLATION, RemoteAddressFormat.ip(ctx.channel()))) {
            log.warn("Closing 0xAE73 connection {}: {}", RemoteAddressFormat.ipAndPort(ctx.channel()), reason);
        }
    }

    /**
     * A name as a log line may show it: anyone may send any name here, so control characters,
     * which could forge log lines, are shown as {@code ?}, and the name is quoted.
     */
    static String shown(String name) {
        StringBuilder b = new StringBuilder(name.length() + 2).append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(Character.isISOControl(c) || c == '"' ? '?' : c);
        }
        return b.append('"').toString();
    }
}
