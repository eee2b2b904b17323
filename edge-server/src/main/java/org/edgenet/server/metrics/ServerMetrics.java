package org.edgenet.server.metrics;

import io.netty.util.concurrent.Ticker;
import org.edgenet.common.message.LoginStatus;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What the server counts for its operator: logins, commands and their latency, uploads, refused
 * connections, and gauges read when asked. {@link #NONE} counts nothing and costs nothing, and is
 * what the server uses unless metrics are on; {@link PrometheusMetrics} keeps the figures for a
 * Prometheus scrape. Every method is safe from any thread and cheap enough for an event loop.
 */
public interface ServerMetrics extends AutoCloseable {
    /** Metrics off: every call does nothing. */
    ServerMetrics NONE = new NoMetrics();

    /** Why {@code ConnectionLimits} refused a connection. */
    enum Refusal {
        MAX_CONNECTIONS, MAX_PENDING_LOGINS_PER_IP;

        /** The Prometheus label value. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A login was answered with {@code status}; {@code WELCOME} is not an outcome yet, the join is. */
    void login(LoginStatus status);

    /** A device joined: the login's outcome. */
    void joined();

    /** A login was refused because every password check was busy. */
    void loginBusy();

    /** A connection was refused by a limit before any byte of it was read. */
    void connectionRefused(Refusal reason);

    /** {@code bytes} of an upload were received. */
    void uploaded(int bytes);

    /** An upload was refused; {@code cause} is what the device was told (a ProtocolException) or a failure. */
    void uploadRefused(Throwable cause);

    /** A timer for the commands of one connection, reading time from {@code ticker}. */
    CommandTimer commandTimer(Ticker ticker);

    /** Commands answered since the start, all types together: for a rate of commands per second. */
    long commandsHandled();

    /** Devices joined now. */
    int joinedDevices();

    /** Writes every meter in the Prometheus text format 0.0.4; nothing when metrics are off. */
    void scrape(OutputStream out) throws IOException;

    /** Stops watching the JVM. */
    @Override
    void close();
}
