package org.edgenet.server;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's HTTP port: the live dashboard (and whatever else registers an endpoint on it).
 *
 * @param port  TCP port; {@link #OFF} (the default) opens none, 0 lets the system choose (see
 *              {@link EdgeServer#httpPort()})
 * @param bind  local address; loopback by default. Any other address requires a {@code token}.
 * @param token what a request must present ({@code Authorization: Bearer T} or {@code ?token=T});
 *              empty asks for none, which only a loopback bind allows
 */
public record HttpSettings(int port, InetAddress bind, Optional<String> token) {
    public static final int OFF = -1;
    public static final int MIN_TOKEN = 16;
    public static final int MAX_TOKEN = 256;

    public HttpSettings {
        if (port < OFF || port > 0xFFFF) {
            throw new IllegalArgumentException("HTTP port out of range: " + port);
        }
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(token, "token");
        token.ifPresent(t -> {
            if (!validToken(t)) {
                throw new IllegalArgumentException("the HTTP token must be " + MIN_TOKEN + " to " + MAX_TOKEN
                        + " visible ASCII characters");
            }
        });
    }

    /** No HTTP port, loopback, no token. */
    public static HttpSettings defaults() {
        return new HttpSettings(OFF, InetAddress.getLoopbackAddress(), Optional.empty());
    }

    /** True when the HTTP port is to be opened. */
    public boolean listens() {
        return port != OFF;
    }

    public HttpSettings withPort(int port) {
        return new HttpSettings(port, bind, token);
    }

    public HttpSettings withBind(InetAddress bind) {
        return new HttpSettings(port, bind, token);
    }

    public HttpSettings withToken(String token) {
        return new HttpSettings(port, bind, Optional.of(token));
    }

    /** Visible ASCII only, so that it fits a header and a URL as it is. */
    public static boolean validToken(String t) {
        if (t.length() < MIN_TOKEN || t.length() > MAX_TOKEN) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "HttpSettings[port=" + port + ", bind=" + bind.getHostAddress() + ", token="
                + (token.isPresent() ? "set" : "none") + "]";
    }
}
