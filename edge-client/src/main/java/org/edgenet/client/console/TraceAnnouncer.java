package org.edgenet.client.console;

import org.edgenet.client.trace.ContactLog;
import org.edgenet.client.trace.TraceEvents;
import org.edgenet.common.trace.BeaconFault;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.trace.TraceTimes;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;

/**
 * Tells the user about beacons as they arrive: what each held and whether it was kept. A flood of
 * datagrams does not flood the screen: at most {@link #LINES_PER_WINDOW} beacon lines show in any
 * {@link #WINDOW}, and the first line after says how many were not shown.
 */
public final class TraceAnnouncer implements TraceEvents {
    static final int LINES_PER_WINDOW = 10;
    static final Duration WINDOW = Duration.ofSeconds(10);

    private final Terminal terminal;
    private final Clock clock;
    private Instant windowStart = Instant.MIN;
    private int shown;
    private long hidden;

    public TraceAnnouncer(Terminal terminal, Clock clock) {
        this.terminal = terminal;
        this.clock = clock;
    }

    @Override
    public void beaconReceived(TempIdWindow window, InetSocketAddress from, ContactLog.Added added) {
        String outcome = switch (added) {
            case NEW -> "kept in the contact log";
            case RENEWED -> "already in the contact log; renewed";
            case FULL -> "not kept: the contact log is full";
        };
        show("Beacon from " + address(from) + ": " + describe(window) + "; " + outcome);
    }

    @Override
    public void beaconRefused(BeaconFault fault, String detail, InetSocketAddress from, long total) {
        String counted = " (" + total + (total == 1 ? " bad beacon so far)" : " bad beacons so far)");
        if (fault == BeaconFault.EXPIRED || fault == BeaconFault.NOT_YET_VALID) {
            TempIdWindow w = TempIdWindow.parseLine(detail);
            show("Beacon from " + address(from) + ": " + describe(w) + "; not kept: " + fault.text() + ", the time is "
                    + TraceTimes.format(TraceTimes.seconds(LocalDateTime.now(clock))) + counted);
        } else {
            show("Dropped a datagram from " + address(from) + " that is not a valid beacon: " + fault.text() + counted);
        }
    }

    @Override
    public void roundFailed(String reason) {
        terminal.announce("Beaconing the active devices failed: " + reason);
    }

    @Override
    public void logFailed(String reason) {
        // Once per beacon while the disk is full: limited like the beacons themselves.
        show("The contact log cannot be written: " + reason);
    }

    static String describe(TempIdWindow w) {
        return "TempID " + w.id() + ", valid from " + TraceTimes.format(w.start()) + " to "
                + TraceTimes.format(w.expiry());
    }

    private static String address(InetSocketAddress a) {
        return a == null ? "an unknown address" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private synchronized void show(String line) {
        Instant now = clock.instant();
        if (!now.isBefore(windowStart.plus(WINDOW))) {
            if (hidden > 0) {
                terminal.announce("(" + hidden + " more beacon " + (hidden == 1 ? "line" : "lines") + " not shown)");
            }
            windowStart = now;
            shown = 0;
            hidden = 0;
        }
        if (shown < LINES_PER_WINDOW) {
            shown++;
            terminal.announce(line);
        } else {
            hidden++;
        }
    }
}
