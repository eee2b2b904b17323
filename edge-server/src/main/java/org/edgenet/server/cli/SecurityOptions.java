package org.edgenet.server.cli;

import org.edgenet.common.cli.StartupException;
import org.edgenet.common.cli.WholeNumberConverter;
import org.edgenet.server.SecuritySettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The options of TLS on the device port and of credential checking, mixed into
 * {@link ServerMain}. Each value is checked by its converter, so that a bad one is one line. An
 * option left out keeps its default, the field's first value.
 */
public final class SecurityOptions {
    static final int MAX_POLL_SECONDS = 86_400;
    static final int MAX_HANDSHAKE_SECONDS = 300;
    static final int MAX_CHECK_THREADS = 64;
    static final int MAX_CHECK_QUEUE = 100_000;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain: the device port speaks TLS 1.3 only (needs --tls-key)")
    private Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) of --tls-cert")
    private Path key;

    @Option(names = "--tls-handshake-seconds", paramLabel = "S",
            description = "a TLS handshake not complete by then closes the connection (default 10)",
            converter = HandshakeConverter.class)
    private int handshakeSeconds = (int) SecuritySettings.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds();

    @Option(names = "--credentials-poll-seconds", paramLabel = "S",
            description = "how often the credentials file is checked for changes; 0 never (default 2)",
            converter = PollConverter.class)
    private int pollSeconds = (int) SecuritySettings.DEFAULT_CREDENTIALS_POLL.toSeconds();

    @Option(names = "--password-check-threads", paramLabel = "N",
            description = "threads that check hashed passwords (default 2)", converter = ThreadsConverter.class)
    private int checkThreads = SecuritySettings.DEFAULT_CHECK_THREADS;

    @Option(names = "--password-check-queue", paramLabel = "N",
            description = "password checks that may wait; logins beyond are refused (default 128)",
            converter = QueueConverter.class)
    private int checkQueue = SecuritySettings.DEFAULT_CHECK_QUEUE;

    SecuritySettings settings() throws StartupException {
        if ((cert == null) != (key == null)) {
            throw new StartupException(cert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        return new SecuritySettings(cert, key, Duration.ofSeconds(handshakeSeconds), Duration.ofSeconds(pollSeconds),
                checkThreads, checkQueue);
    }

    static final class HandshakeConverter extends WholeNumberConverter {
        HandshakeConverter() {
            super(1, MAX_HANDSHAKE_SECONDS, "Invalid TLS handshake time-out: %s. It must be a whole number of seconds"
                    + " from 1 to " + MAX_HANDSHAKE_SECONDS);
        }
    }

    static final class PollConverter extends WholeNumberConverter {
        PollConverter() {
            super(0, MAX_POLL_SECONDS, "Invalid credentials poll interval: %s. It must be a whole number of seconds"
                    + " from 0 (never) to " + MAX_POLL_SECONDS);
        }
    }

    static final class ThreadsConverter extends WholeNumberConverter {
        ThreadsConverter() {
            super(1, MAX_CHECK_THREADS, "Invalid number of password check threads: %s. It must be a whole number"
                    + " from 1 to " + MAX_CHECK_THREADS);
        }
    }

    static final class QueueConverter extends WholeNumberConverter {
        QueueConverter() {
            super(1, MAX_CHECK_QUEUE, "Invalid password check queue: %s. It must be a whole number from 1 to "
                    + MAX_CHECK_QUEUE);
        }
    }
}
