package org.edgenet.server.metrics;

import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageType;

import java.util.concurrent.TimeUnit;

/**
 * Times the commands of one connection, one at a time as the connection serves them: from the
 * moment its handler takes a request ({@link #started}) until its reply is on its way
 * ({@link #finished}), queueing for a service thread and the disk included. The timers are looked
 * up once per server; a command costs two ticker reads and one record. Used on the connection's
 * event loop only.
 */
public final class CommandTimer {
    /** Metrics off: never reads the ticker. */
    static final CommandTimer NONE = new CommandTimer(new Timer[0], null);

    /** By {@link MessageType#ordinal()}; null for a message that is not a request. */
    private final Timer[] byType;
    private final Ticker ticker;
    private Timer running;
    private long started;

    CommandTimer(Timer[] byType, Ticker ticker) {
        this.byType = byType;
        this.ticker = ticker;
    }

    /**
     * The handler takes {@code msg}; a request (also one whose values the codec refused) starts
     * its timer, anything else (an upload chunk, a cancel) leaves the one running alone.
     */
    public void started(Object msg) {
        if (byType.length == 0) {
            return;
        }
        MessageType type = msg instanceof Message m ? m.type()
                : msg instanceof InvalidMessage invalid ? invalid.type() : null;
        Timer timer = type == null ? null : byType[type.ordinal()];
        if (timer != null) {
            running = timer;
            started = ticker.nanoTime();
        }
    }

    /** The reply of the request started last is on its way; safe to call when none runs. */
    public void finished() {
        Timer timer = running;
        if (timer != null) {
            running = null;
            timer.record(ticker.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }
}
