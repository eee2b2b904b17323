package org.edgenet.client.cli;

import org.edgenet.client.net.ClientTls;
import org.edgenet.common.cli.StartupException;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The TLS options of the client, mixed into {@link ClientMain}. */
public final class TlsOptions {
    static final String INSECURE_WARNING = "Warning: --insecure: the server's certificate is not checked, so anyone"
            + " between you and the server can pose as it and read your password";

    @Option(names = "--tls", description = "connect with TLS 1.3 (the server runs with --tls-cert)")
    private boolean tls;

    @Option(names = "--trust", paramLabel = "FILE",
            description = "with --tls: trust the certificates in this PEM file (default: the JDK's authorities)")
    private Path trust;

    @Option(names = "--insecure", description = "with --tls: check no certificate (development only)")
    private boolean insecure;

    /** The TLS setup towards {@code host}, or null without --tls; warns on {@code out} for --insecure. */
    ClientTls tls(String host, PrintWriter out) throws StartupException {
        if (!tls) {
            if (trust != null || insecure) {
                throw new StartupException((trust != null ? "--trust" : "--insecure") + " needs --tls");
            }
            return null;
        }
        if (trust != null && insecure) {
            throw new StartupException("Give either --trust or --insecure, not both");
        }
        if (insecure) {
            out.println(INSECURE_WARNING);
            out.flush();
            return ClientTls.insecure(host);
        }
        return trust != null ? ClientTls.trusting(trust, host) : ClientTls.system(host);
    }
}
