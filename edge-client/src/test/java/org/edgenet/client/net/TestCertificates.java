package org.edgenet.client.net;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

/** The test certificates under {@code src/test/resources/tls}, and a JDK context that trusts one. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Copies {@code tls/<name>} into {@code dir}. */
    public static Path copy(String name, Path dir) throws Exception {
        try (InputStream in = TestCertificates.class.getResourceAsStream("/tls/" + name)) {
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    /** A JDK TLS context that trusts {@code cert} alone. */
    public static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
