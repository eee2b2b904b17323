package org.edgenet.client.p2p;

import org.edgenet.common.p2p.UvfFormat;

import java.time.Duration;

/**
 * Tuning of UVF transfers. {@link #DEFAULTS} suits real use; tests shorten the time-outs.
 *
 * @param silenceTimeout   a presenter gives up when the audience sends nothing for this long
 * @param idleTimeout      an audience abandons a transfer (and deletes its temp file) when the
 *                         presenter sends nothing for this long
 * @param initialRto       retransmission time-out before the first round-trip sample (RFC 6298 uses 1 s;
 *                         shorter suits a local network)
 * @param minRto           lower bound of the adaptive retransmission time-out
 * @param maxRto           upper bound after exponential back-off
 * @param maxLocalPayload  DATA payload cap towards an address of this machine (loopback MTU is 64 KiB)
 * @param windowBytes      most unacknowledged data a presenter keeps in memory, and most unwritten data
 *                         an audience buffers, per transfer
 * @param maxTransfers     most transfers an audience runs at once; further offers are refused
 */
public record PeerOptions(Duration silenceTimeout, Duration idleTimeout, Duration initialRto, Duration minRto,
                          Duration maxRto, int maxLocalPayload, int windowBytes, int maxTransfers) {
    public static final PeerOptions DEFAULTS = new PeerOptions(Duration.ofSeconds(12), Duration.ofSeconds(15),
            Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofSeconds(1), 32 * 1024, 4 * 1024 * 1024, 64);

    public PeerOptions {
        positive(silenceTimeout, "silenceTimeout");
        positive(idleTimeout, "idleTimeout");
        positive(initialRto, "initialRto");
        positive(minRto, "minRto");
        positive(maxRto, "maxRto");
        if (maxLocalPayload < UvfFormat.MIN_PAYLOAD || maxLocalPayload > UvfFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("maxLocalPayload must be between " + UvfFormat.MIN_PAYLOAD
                    + " and " + UvfFormat.MAX_PAYLOAD + ": " + maxLocalPayload);
        }
        if (windowBytes < 64 * 1024) {
            throw new IllegalArgumentException("windowBytes is too small: " + windowBytes);
        }
        if (maxTransfers < 1) {
            throw new IllegalArgumentException("maxTransfers must be positive: " + maxTransfers);
        }
    }

    public PeerOptions withSilenceTimeout(Duration d) {
        return new PeerOptions(d, idleTimeout, initialRto, minRto, maxRto, maxLocalPayload, windowBytes, maxTransfers);
    }

    public PeerOptions withIdleTimeout(Duration d) {
        return new PeerOptions(silenceTimeout, d, initialRto, minRto, maxRto, maxLocalPayload, windowBytes, maxTransfers);
    }

    public PeerOptions withMaxLocalPayload(int bytes) {
        return new PeerOptions(silenceTimeout, idleTimeout, initialRto, minRto, maxRto, bytes, windowBytes, maxTransfers);
    }

    public PeerOptions withWindowBytes(int bytes) {
        return new PeerOptions(silenceTimeout, idleTimeout, initialRto, minRto, maxRto, maxLocalPayload, bytes, maxTransfers);
    }

    /** Datagrams in a window of {@link #windowBytes} at {@code payload} bytes each, within the SACK bitmap's reach. */
    int windowDatagrams(int payload) {
        return Math.max(16, Math.min(UvfFormat.MAX_SACK_BITS, windowBytes / payload));
    }

    private static void positive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
