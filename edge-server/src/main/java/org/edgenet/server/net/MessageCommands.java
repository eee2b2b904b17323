package org.edgenet.server.net;

import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.Timestamps;
import org.edgenet.common.message.AckMessages;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageArrived;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.MessagePosted;
import org.edgenet.common.message.MessagesAcked;
import org.edgenet.common.message.MessagesWaiting;
import org.edgenet.common.message.PostMessage;
import org.edgenet.common.message.ReadMessages;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.service.MessageStore;
import org.edgenet.server.service.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A joined device's MSG and RDM, for the {@link CommandHandler} of its connection, which hands over
 * {@link PostMessage}, {@link ReadMessages} and {@link AckMessages}. Like every command, each gets
 * exactly one reply, written once the store's work is done; meanwhile the connection's
 * {@link ReadGate} holds {@link ReadGate.Reason#REQUEST_RUNNING}.
 *
 * <p>Reading is two steps: {@link ReadMessages} shows the oldest messages and removes nothing;
 * {@link AckMessages}, sent by the device once it has shown them, removes them. The connection's
 * {@link MessageStore.Reader} holds them in between, so no other reader of the mailbox (an
 * 0xAE73 client reading as this device) is shown them; a connection lost in between gives them
 * back, and an acknowledgement reaches no further than what this connection was sent.
 *
 * <p>Messages are the devices' traffic, up to tens of thousands a second, so the commands that
 * succeed are logged at DEBUG only; a refusal (an unknown device, a full mailbox, a full disk) is
 * one INFO line here, which names no recipient that is not a known device. The refusal itself goes
 * out through the {@link Disconnector}, as every other; the store's own failures too.
 *
 * <p>While the device is joined, it is told of every message stored for it with a
 * {@link MessageArrived} notice, and on joining how many wait ({@link MessagesWaiting}). A notice
 * is dropped when the device is not reading its replies: RDM tells the count anyway.
 */
final class MessageCommands {
    private static final Logger log = LoggerFactory.getLogger(MessageCommands.class);

    /**
     * Bytes of journal records (each its text, both names and 29 bytes of framing and fields) one batch carries
     * beyond its first message: RDM fetches more batches as needed, and no connection holds more
     * than about this in a reply (255 texts of 64 KiB would be 16 MiB).
     */
    static final int MAX_BATCH_BYTES = 1024 * 1024;

    private final Services services;
    /** The device's name as the store knows it: a mailbox is any name, as on the 0xAE73 port. */
    private final String name;
    private final ReadGate gate;
    private final Disconnector disconnector;
    private MessageStore.Subscription subscription;
    /** Made with the first RDM, closed when the device leaves. */
    private MessageStore.Reader reader;

    MessageCommands(Services services, DeviceName device, ReadGate gate, Disconnector disconnector) {
        this.services = services;
        this.name = device.value();
        this.gate = gate;
        this.disconnector = disconnector;
    }

    /** True for the requests this class serves. */
    static boolean serves(Object msg) {
        return msg instanceof PostMessage || msg instanceof ReadMessages || msg instanceof AckMessages;
    }

    /** Starts the notices: the number waiting now, then each new message. */
    void start(ChannelHandlerContext ctx) {
        // Subscribed before counting, so that a message stored in between is told one way or the other.
        subscription = services.messages().subscribe(name, sender -> ctx.executor().execute(() -> notice(ctx,
                new MessageArrived(sender))));
        CompletableFuture<Integer> waiting = services.messages().waitingLater(name);
        if (waiting.isDone() && !waiting.isCompletedExceptionally()) {
            waitingNotice(ctx, waiting.join());
            return;
        }
        waiting.whenCompleteAsync((n, error) -> {
            if (error != null) {
                log.warn("Could not count the messages waiting for {}: {}", name,
                        Disconnector.causeOf(error).toString());
            } else if (ctx.channel().isActive() && !ctx.isRemoved()) {
                waitingNotice(ctx, n);
            }
        }, ctx.executor());
    }

    private static void waitingNotice(ChannelHandlerContext ctx, int waiting) {
        if (waiting > 0) {
            ctx.writeAndFlush(new MessagesWaiting(waiting));
        }
    }

    private static void notice(ChannelHandlerContext ctx, MessageArrived notice) {
        if (ctx.channel().isActive() && ctx.channel().isWritable() && !ctx.isRemoved()) {
            ctx.writeAndFlush(notice);
        }
    }

    /** Ends the notices and gives back the messages read but not acknowledged: the device has left. */
    void stop() {
        if (subscription != null) {
            subscription.cancel();
            subscription = null;
        }
        if (reader != null) {
            reader.close();
        }
    }

    void serve(ChannelHandlerContext ctx, Message msg) {
        if (msg instanceof PostMessage post) {
            post(ctx, post);
        } else if (msg instanceof ReadMessages read) {
            read(ctx, read.max());
        } else if (msg instanceof AckMessages ack) {
            ack(ctx, ack.upToId());
        } else {
            throw new IllegalArgumentException("not a message command: " + msg);
        }
    }

    // MSG

    private void post(ChannelHandlerContext ctx, PostMessage post) {
        DeviceName to = post.recipient();
        if (!services.credentials().knows(to)) {
            // A valid name, at most 200 bytes, goes back into the reply; the log gets none, as an
            // unknown name may be anything the device typed.
            unknownRecipient(ctx, "there is no edge device called " + to);
            return;
        }
        log.debug("{} issued MSG to {}", name, to);
        if (post.text().isEmpty()) {
            refuse(ctx, "MSG to " + to, new ProtocolException(ErrorCode.BAD_ARGUMENT, "the message is empty"));
            return;
        }
        gate.whileRunning(ctx, services.messages().post(name, to.value(), post.text()), (id, e) -> {
            if (e != null) {
                fail(ctx, "MSG to " + to, e);
                return;
            }
            ctx.writeAndFlush(new MessagePosted(to, id));
            log.debug("Return message: message {} stored for {}", id, to);
        });
    }

    /** A MSG whose recipient the codec refused as a device name: not echoed, neither here nor in the reply. */
    void invalidRecipient(ChannelHandlerContext ctx) {
        unknownRecipient(ctx, "that is not a valid edge device name");
    }

    private void unknownRecipient(ChannelHandlerContext ctx, String reason) {
        log.info("{} issued MSG to an unknown device; refused", name);
        disconnector.requestRefused(ctx, new ProtocolException(ErrorCode.BAD_ARGUMENT, reason));
    }

    // RDM

    private void read(ChannelHandlerContext ctx, int max) {
        log.debug("{} issued RDM", name);
        if (max < 1 || max > MessageStore.MAX_READ) {
            refuse(ctx, "RDM", new ProtocolException(ErrorCode.BAD_ARGUMENT, "a read takes 1 to 255 messages, not "
                    + max));
            return;
        }
        gate.whileRunning(ctx, reader().read(max, MAX_BATCH_BYTES), (batch, e) -> {
            if (e != null) {
                fail(ctx, "RDM", e);
                return;
            }
            List<MailItem> items = new ArrayList<>(batch.messages().size());
            for (MessageStore.Stored m : batch.messages()) {
                items.add(new MailItem(m.id(), m.sender(), Timestamps.format(m.storedAt().toInstant(), m.storedAt().getZone()), m.text()));
            }
            ctx.writeAndFlush(new MessageBatch(items, batch.waiting()));
            log.debug("Return message: {} of {} waiting messages", items.size(), batch.waiting());
        });
    }

    private void ack(ChannelHandlerContext ctx, long upTo) {
        gate.whileRunning(ctx, reader().remove(upTo), (waiting, e) -> {
            if (e != null) {
                fail(ctx, "RDM (removing what was read)", e);
                return;
            }
            ctx.writeAndFlush(new MessagesAcked(waiting));
            log.debug("{} has read its messages up to {}; {} waiting", name, upTo, waiting);
        });
    }

    // Plumbing

    private MessageStore.Reader reader() {
        if (reader == null) {
            reader = services.messages().reader(name);
        }
        return reader;
    }

    /** A refusal is the one line a message command logs at INFO: e.g. a full mailbox is worth knowing. */
    private void refuse(ChannelHandlerContext ctx, String what, ProtocolException e) {
        log.info("{} issued {}; refused: {}", name, what, ErrorReply.of(e).message());
        disconnector.requestRefused(ctx, e);
    }

    /** The store's refusal as any other; a failure of the store is the disconnector's to log and answer. */
    private void fail(ChannelHandlerContext ctx, String what, Throwable e) {
        if (e instanceof ProtocolException p && !p.code().fatal()) {
            if (ctx.channel().isActive()) {
                refuse(ctx, what, p);
            }
        } else {
            disconnector.requestFailed(ctx, what + " of " + name, e);
        }
    }
}
