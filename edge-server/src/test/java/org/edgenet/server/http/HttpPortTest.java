package org.edgenet.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.Ticker;
import org.edgenet.common.cli.StartupException;
import org.edgenet.server.HttpSettings;
import org.edgenet.server.net.LogLimiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP port on a real socket, spoken to with the JDK's client and with raw bytes. */
class HttpPortTest {
    private static final String TOKEN = "s3cret-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private Channel listener;

    /** Answers with the path it was asked for, so a test can tell which endpoint answered. */
    private static final HttpEndpoint HELLO = new HttpEndpoint() {
        @Override
        public String path() {
            return "/hello";
        }

        @Override
        public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
            HttpReplies.sendText(ctx, request, HttpResponseStatus.OK, "hello from " + path());
        }
    };

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int open(HttpSettings settings) throws StartupException {
        listener = HttpPort.bind(settings, boss, workers, List.of(HELLO), new LogLimiter(Ticker.systemTicker()));
        listener.config().setAutoRead(true);
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    private HttpResponse<String> send(int port, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpSettings loopback() {
        return HttpSettings.defaults().withPort(0);
    }

    @Test
    void servesAnEndpointByItsPathWithTheSafetyHeaders() throws Exception {
        int port = open(loopback());
        HttpResponse<String> r = send(port, "GET", "/hello");
        assertEquals(200, r.statusCode());
        assertEquals("hello from /hello\n", r.body());
        assertEquals(Optional.of("nosniff"), r.headers().firstValue("X-Content-Type-Options"));
        assertEquals(Optional.of("no-referrer"), r.headers().firstValue("Referrer-Policy"));
    }

    @Test
    void answersHeadWithTheLengthOfGetButNoBody() throws Exception {
        int port = open(loopback());
        HttpResponse<String> r = send(port, "HEAD", "/hello");
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        assertEquals(Optional.of("18"), r.headers().firstValue("Content-Length"));
    }

    @Test
    void refusesEveryMethodButGetAndHead() throws Exception {
        int port = open(loopback());
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            HttpResponse<String> r = send(port, method, "/hello");
            assertEquals(405, r.statusCode(), method);
            assertEquals("Method not allowed: this port is read-only (GET and HEAD)\n", r.body(), method);
        }
    }

    @Test
    void answersAnUnknownPathWith404() throws Exception {
        int port = open(loopback());
        HttpResponse<String> r = send(port, "GET", "/nowhere?x=1");
        assertEquals(404, r.statusCode());
        assertEquals("Not found: /nowhere\n", r.body());
    }

    @Test
    void asksForTheTokenWhenOneIsSetAndTakesItFromTheHeaderOrTheQuery() throws Exception {
        int port = open(loopback().withToken(TOKEN));
        HttpResponse<String> none = send(port, "GET", "/hello");
        assertEquals(401, none.statusCode());
        assertEquals(Optional.of("Bearer"), none.headers().firstValue("WWW-Authenticate"));
        assertEquals("Unauthorized: send the token as 'Authorization: Bearer TOKEN' or ?token=TOKEN\n", none.body());
        assertEquals(401, send(port, "GET", "/nowhere").statusCode(), "no path is told apart without the token");
        assertEquals(401, send(port, "GET", "/hello", "Authorization", "Bearer " + TOKEN + "x").statusCode());
        assertEquals(401, send(port, "GET", "/hello?token=" + TOKEN.substring(1)).statusCode());
        assertEquals(401, send(port, "GET", "/hello?token=" + TOKEN + "&token=" + TOKEN).statusCode(),
                "one token, not a list");

        assertEquals(200, send(port, "GET", "/hello", "Authorization", "Bearer " + TOKEN).statusCode());
        assertEquals(200, send(port, "GET", "/hello?token=" + TOKEN).statusCode());
        assertEquals(404, send(port, "GET", "/nowhere?token=" + TOKEN).statusCode());
    }

    @Test
    void refusesToServeBeyondLoopbackWithoutAToken() {
        HttpSettings everywhere = loopback().withBind(new InetSocketAddress(0).getAddress());
        StartupException e = assertThrows(StartupException.class, () -> open(everywhere));
        assertEquals("Cannot serve HTTP on 0.0.0.0 without --http-token: anyone who can reach the port could watch"
                + " the devices", e.getMessage());
    }

    @Test
    void servesBeyondLoopbackWithAToken() throws Exception {
        int port = open(loopback().withBind(new InetSocketAddress(0).getAddress()).withToken(TOKEN));
        assertEquals(401, send(port, "GET", "/hello").statusCode());
        assertEquals(200, send(port, "GET", "/hello?token=" + TOKEN).statusCode());
    }

    @Test
    void saysWhenThePortIsTaken() throws Exception {
        int port = open(loopback());
        HttpSettings same = loopback().withPort(port);
        StartupException e = assertThrows(StartupException.class, () -> HttpPort.bind(same, boss, workers,
                List.of(HELLO), new LogLimiter(Ticker.systemTicker())));
        assertEquals("Cannot serve HTTP on 127.0.0.1 port " + port + ": the port is already in use", e.getMessage());
    }

    @Test
    void answersAnOversizedRequestWithoutReadingItAllAndCloses() throws Exception {
        int port = open(loopback());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(HttpInitializer.MAX_HEADERS + 10)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 4"), answer);
            assertTrue(!answer.contains("hello from"), answer);
        }
    }

    @Test
    void answersGarbageWith400() throws Exception {
        int port = open(loopback());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            s.getOutputStream().write("\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
    }

    /** Everything until the server closes the connection. */
    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
