package org.edgenet.server.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.ContactsReceived;
import org.edgenet.common.message.GetTempId;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.TempIdIssued;
import org.edgenet.common.message.UploadContacts;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.trace.TraceTimes;
import org.edgenet.server.service.Services;
import org.edgenet.server.service.TracingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * A joined device's TID and UCL, for the {@link CommandHandler} of its connection; like every
 * command, each gets exactly one reply, written once the tracing service's disk work is done, with
 * the connection's {@link ReadGate} held meanwhile. While the device is joined, an exposure notice
 * for it is written to its connection at once.
 *
 * <p>The server's console shows an upload as 002 does: the reporter, then each contact with the
 * window of the TempID the reporter met. The reporter hears only how many entries arrived.
 */
final class TraceCommands {
    private static final Logger log = LoggerFactory.getLogger(TraceCommands.class);

    /** Unknown TempIDs shown one by one per upload; the rest are counted. */
    static final int UNKNOWN_SHOWN = 5;

    private final TracingService tracing;
    private final DeviceName name;
    private final ReadGate gate;
    private final Disconnector disconnector;
    private TracingService.Mailbox mailbox;

    TraceCommands(Services services, DeviceName name, ReadGate gate, Disconnector disconnector) {
        this.tracing = services.tracing();
        this.name = name;
        this.gate = gate;
        this.disconnector = disconnector;
    }

    /** True for the requests this class serves. */
    static boolean serves(Object msg) {
        return msg instanceof GetTempId || msg instanceof UploadContacts;
    }

    /** From now on exposure notices for this device come to this connection. */
    void start(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        mailbox = notice -> Unasked.deliver(ch, notice);
        tracing.attend(name, mailbox);
    }

    /** The device has left. */
    void stop() {
        if (mailbox != null) {
            tracing.leave(name, mailbox);
            mailbox = null;
        }
    }

    void serve(ChannelHandlerContext ctx, Message msg) {
        if (msg instanceof GetTempId) {
            tempId(ctx);
        } else if (msg instanceof UploadContacts upload) {
            upload(ctx, upload);
        } else {
            throw new IllegalArgumentException("not a tracing command: " + msg);
        }
    }

    /** A contact log with an entry the codec refused: nothing of it is used. */
    void invalidUpload(ChannelHandlerContext ctx, InvalidMessage invalid) {
        log.info("{} issued UCL; refused: {}", name, invalid.reason());
        disconnector.requestRefused(ctx, invalid.refusal());
    }

    // TID

    private void tempId(ChannelHandlerContext ctx) {
        log.info("{} issued TID", name);
        gate.whileRunning(ctx, tracing.tempId(name), (w, e) -> {
            if (e != null) {
                disconnector.requestFailed(ctx, "TID for " + name, e);
                return;
            }
            ctx.writeAndFlush(new TempIdIssued(w));
            log.info("Return message: TempID {} valid from {} to {}", w.id(), TraceTimes.format(w.start()),
                    TraceTimes.format(w.expiry()));
        });
    }

    // UCL

    private void upload(ChannelHandlerContext ctx, UploadContacts upload) {
        int n = upload.entries().size();
        log.info("{} issued UCL: received a contact log of {} {}", name, n, n == 1 ? "entry" : "entries");
        gate.whileRunning(ctx, tracing.report(name, upload.entries()), (report, e) -> {
            if (e != null) {
                disconnector.requestFailed(ctx, "UCL of " + name, e);
                return;
            }
            show(report);
            tracing.notifyContacts(report);
            ctx.writeAndFlush(new ContactsReceived(report.received()));
            log.info("Return message: {} contact-log {} received", report.received(),
                    report.received() == 1 ? "entry" : "entries");
        });
    }

    /** 002's "contact log checking": each contact, its TempID's window and the TempID itself. */
    private void show(TracingService.Report report) {
        log.info("Contact log checking for {}: {} {}, {} unknown TempID(s)", name, report.contacts().size(),
                report.contacts().size() == 1 ? "contact" : "contacts", report.unknown().size());
        for (TracingService.Issued c : report.contacts()) {
            TempIdWindow w = c.window();
            log.info("{}, {}, {}, {};", c.device(), TraceTimes.format(w.start()), TraceTimes.format(w.expiry()), w.id());
        }
        int shown = 0;
        for (TempIdWindow u : report.unknown()) {
            if (shown++ == UNKNOWN_SHOWN) {
                log.info("... and {} more unknown TempIDs", report.unknown().size() - UNKNOWN_SHOWN);
                break;
            }
            log.info("unknown TempID {}, {}, {};", u.id(), TraceTimes.format(u.start()), TraceTimes.format(u.expiry()));
        }
    }
}
