package org.edgenet.server.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl+C (SIGINT) and SIGTERM: the first starts a graceful stop, after which the server's
 * {@code call()} returns and the process exits 0; a second stops the process at once. The JVM's
 * own handling would run the stop in a shutdown hook, where neither is possible: the exit code of
 * a signalled JVM is 128 + the signal, and further signals are ignored while hooks run. Hence
 * {@code sun.misc.Signal}, which the JDK keeps exported in {@code jdk.unsupported} for this use.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);
    /** The shell's code for a process ended by Ctrl+C. */
    static final int STOPPED_AT_ONCE = 130;

    private StopSignals() {
    }

    /** From now on the first INT or TERM runs {@code stop} on a thread of its own. */
    static void install(Runnable stop) {
        AtomicBoolean stopping = new AtomicBoolean();
        Signal.handle(new Signal("INT"), s -> signalled(s, stopping, stop));
        Signal.handle(new Signal("TERM"), s -> signalled(s, stopping, stop));
    }

    private static void signalled(Signal s, AtomicBoolean stopping, Runnable stop) {
        if (stopping.compareAndSet(false, true)) {
            log.info("Stopping on SIG{} (again to stop at once)", s.getName());
            Thread t = new Thread(stop, "stop");
            t.start();
        } else {
            log.warn("Stopping at once on a second SIG{}; requests in progress are dropped", s.getName());
            // Halting skips the shutdown hooks, and with them the flush of the console.
            ConsoleLog.flush();
            Runtime.getRuntime().halt(STOPPED_AT_ONCE);
        }
    }
}
