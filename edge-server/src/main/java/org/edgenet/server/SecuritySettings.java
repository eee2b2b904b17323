package org.edgenet.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * TLS on the device port and the checking of credentials.
 *
 * @param tlsCert          PEM certificate chain of the device port; null (the default) means no TLS
 * @param tlsKey           PEM private key (PKCS#8) of that certificate; given exactly when tlsCert is
 * @param handshakeTimeout a TLS handshake not complete by then closes the connection
 * @param credentialsPoll  how often the credentials file is looked at for changes; zero never
 * @param checkThreads     threads that check hashed passwords
 * @param checkQueue       checks that may wait for one of them; a login beyond is refused
 */
public record SecuritySettings(Path tlsCert, Path tlsKey, Duration handshakeTimeout, Duration credentialsPoll,
                               int checkThreads, int checkQueue) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CREDENTIALS_POLL = Duration.ofSeconds(2);
    /** Two checks at a time hold 2 × 7 MiB of heap and use both cores of a small machine. */
    public static final int DEFAULT_CHECK_THREADS = 2;
    /** About 3 s of waiting at 50 ms a check on two threads. */
    public static final int DEFAULT_CHECK_QUEUE = 128;

    public SecuritySettings {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key");
        }
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(credentialsPoll, "credentialsPoll");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
        }
        if (credentialsPoll.isNegative()) {
            throw new IllegalArgumentException("credentialsPoll must not be negative: " + credentialsPoll);
        }
        if (checkThreads < 1 || checkQueue < 1) {
            throw new IllegalArgumentException("checkThreads and checkQueue must be positive");
        }
    }

    /** No TLS; the file looked at every 2 s; 2 check threads with 128 waiting. */
    public static SecuritySettings defaults() {
        return new SecuritySettings(null, null, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_CREDENTIALS_POLL,
                DEFAULT_CHECK_THREADS, DEFAULT_CHECK_QUEUE);
    }

    /** True when the device port speaks TLS. */
    public boolean tls() {
        return tlsCert != null;
    }

    public SecuritySettings withTls(Path cert, Path key) {
        return new SecuritySettings(cert, key, handshakeTimeout, credentialsPoll, checkThreads, checkQueue);
    }

    public SecuritySettings withHandshakeTimeout(Duration timeout) {
        return new SecuritySettings(tlsCert, tlsKey, timeout, credentialsPoll, checkThreads, checkQueue);
    }

    public SecuritySettings withCredentialsPoll(Duration poll) {
        return new SecuritySettings(tlsCert, tlsKey, handshakeTimeout, poll, checkThreads, checkQueue);
    }
}
