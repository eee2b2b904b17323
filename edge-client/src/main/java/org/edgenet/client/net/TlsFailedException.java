package org.edgenet.client.net;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import java.security.cert.CertificateException;

/**
 * The TLS handshake with the server did not succeed, or the server refused the connection before
 * it began; the message says why in plain words.
 */
public final class TlsFailedException extends Exception {
    private TlsFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server refused the connection before TLS began, e.g. {@code the server is full}. */
    static TlsFailedException refused(String reason) {
        return new TlsFailedException(reason, null);
    }

    static TlsFailedException of(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return new TlsFailedException("the server does not speak TLS on this port; start the client without --tls",
                    cause);
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return new TlsFailedException("the TLS handshake did not complete within "
                    + ClientTls.HANDSHAKE_TIMEOUT.toSeconds() + " s", cause);
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                // The JDK nests its reasons as "a: b: c"; the last is the one a person can read.
                String m = String.valueOf(t.getMessage());
                return new TlsFailedException("the server's certificate is not trusted (" + m.substring(m.lastIndexOf(": ") + 1).strip()
                        + "); give its certificate with --trust FILE", cause);
            }
        }
        return new TlsFailedException("the TLS handshake failed: " + cause.getMessage(), cause);
    }
}
