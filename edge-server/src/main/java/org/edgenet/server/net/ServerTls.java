package org.edgenet.server.net;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.edgenet.common.cli.StartupException;
import org.edgenet.server.SecuritySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TLS context of the device port: TLS 1.3 only, since every EdgeNet client speaks it and it
 * leaves no weak cipher suite or renegotiation to configure. OpenSSL (BoringSSL, shipped with the
 * server for Linux x86-64) where it loads, the JDK's engine elsewhere; the start says which.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    public static final String PROTOCOL = "TLSv1.3";

    private ServerTls() {
    }

    /** The context, or null when the settings ask for no TLS. */
    public static SslContext context(SecuritySettings settings) throws StartupException {
        if (!settings.tls()) {
            return null;
        }
        Path cert = settings.tlsCert();
        Path key = settings.tlsKey();
        for (Path p : new Path[] {cert, key}) {
            if (!Files.isReadable(p)) {
                throw new StartupException("TLS file " + p + (Files.exists(p) ? " cannot be read" : " does not exist"));
            }
        }
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContext context;
        try {
            context = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                    .sslProvider(provider)
                    .protocols(PROTOCOL)
                    .build();
        } catch (Exception e) {
            // The message of the PEM reader names what it could not find; the key never appears in it.
            throw new StartupException("Cannot use TLS certificate " + cert + " with key " + key + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        if (provider == SslProvider.OPENSSL) {
            log.info("TLS 1.3 on the device port with {}", OpenSsl.versionString());
        } else {
            // The cause as text: passed alone it would be taken for a throwable and print a stack trace.
            Throwable cause = OpenSsl.unavailabilityCause();
            log.info("TLS 1.3 on the device port with the JDK's engine (OpenSSL cannot load here: {})",
                    cause == null ? "unknown" : String.valueOf(cause.getMessage()));
        }
        return context;
    }
}
