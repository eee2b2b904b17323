package org.edgenet.client.net;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.buffer.ByteBufAllocator;
import org.edgenet.common.cli.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * TLS towards the server: TLS 1.3, the server's certificate checked against the certificates of a
 * trust file (PEM) and the host name the user gave, or, with {@link #insecure}, not checked at
 * all. OpenSSL where it loads, the JDK's engine elsewhere.
 */
public final class ClientTls {
    private static final Logger log = LoggerFactory.getLogger(ClientTls.class);
    public static final String PROTOCOL = "TLSv1.3";
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final SslContext context;
    private final String host;

    private ClientTls(SslContext context, String host) {
        this.context = context;
        this.host = host;
    }

    /** Trusts the certificates in {@code trustFile} and checks that the server's names {@code host}. */
    public static ClientTls trusting(Path trustFile, String host) throws StartupException {
        if (!Files.isReadable(trustFile)) {
            throw new StartupException("Trust file " + trustFile
                    + (Files.exists(trustFile) ? " cannot be read" : " does not exist"));
        }
        try {
            return new ClientTls(builder().trustManager(trustFile.toFile()).build(), host);
        } catch (Exception e) {
            throw new StartupException("Cannot use trust file " + trustFile + ": " + e.getMessage(), e);
        }
    }

    /** Trusts the certificate authorities of the JDK, as for any server on the internet. */
    public static ClientTls system(String host) throws StartupException {
        try {
            return new ClientTls(builder().build(), host);
        } catch (Exception e) {
            throw new StartupException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Encrypts but checks no certificate: anyone in the path can read along. For development. */
    public static ClientTls insecure(String host) throws StartupException {
        try {
            return new ClientTls(builder().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null).build(), host);
        } catch (Exception e) {
            throw new StartupException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static SslContextBuilder builder() {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        log.info("TLS with {}", provider == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK's engine");
        // Host names are checked ("HTTPS" rules: the name or address must be in the certificate).
        return SslContextBuilder.forClient().sslProvider(provider).protocols(PROTOCOL)
                .endpointIdentificationAlgorithm("HTTPS");
    }

    /** A handler for one connection to {@code port}, with the handshake time-out set. */
    SslHandler newHandler(ByteBufAllocator alloc, int port) {
        SslHandler handler = context.newHandler(alloc, host, port);
        handler.setHandshakeTimeout(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return handler;
    }
}
