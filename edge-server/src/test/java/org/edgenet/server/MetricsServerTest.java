package org.edgenet.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.ActiveDevices;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Delete;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageArrived;
import org.edgenet.common.message.MessagePosted;
import org.edgenet.common.message.MessagesWaiting;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.PostMessage;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.metrics.MetricsEndpoint;
import org.edgenet.server.metrics.Scrapes;
import org.edgenet.server.metrics.ServerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mixed session on a real server, then its scrape: every counter says exactly what was done. */
class MetricsServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private EdgeServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(boolean metrics, int maxConnections) throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        server = EdgeServer.start(ServerConfig.in(dir).port(0).bindAddress(InetAddress.getLoopbackAddress())
                .operations(OperationsSettings.defaults().withMaxConnections(maxConnections))
                .metrics(new MetricsSettings(metrics)).build());
    }

    /** The reply to the last request, past the notices of messages that come unasked. */
    private static Message reply(FrameSocket s) throws IOException {
        Message m = s.receive();
        while (m instanceof MessagesWaiting || m instanceof MessageArrived) {
            m = s.receive();
        }
        return m;
    }

    private FrameSocket join(String device, String password) throws IOException {
        FrameSocket s = new FrameSocket(server.port());
        s.send(new Login(DeviceName.of(device), password));
        assertEquals(new LoginReply(LoginStatus.WELCOME), s.receive(), device + " welcomed");
        s.send(new RegisterUdp(8000));
        assertInstanceOf(Joined.class, s.receive(), device + " joined");
        return s;
    }

    private static void upload(FrameSocket s, int fileId, String samples) throws IOException {
        s.send(new UploadBegin(FileId.of(fileId)));
        s.send(new UploadChunk(Unpooled.copiedBuffer(samples, StandardCharsets.US_ASCII)));
        s.send(new UploadEnd());
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server.metrics().scrape(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * A reply leaves before its command's time is recorded, on the same thread a moment later:
     * waits, with a deadline, for the last command counted.
     */
    private void awaitCommands(long count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.metrics().commandsHandled() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertEquals(count, server.metrics().commandsHandled(), "commands counted");
    }

    @Test
    void theScrapeAfterAMixedSessionCountsExactlyWhatWasDone() throws Exception {
        start(true, 2);
        try (FrameSocket watch = join("supersmartwatch", "comp9331");
             FrameSocket band = new FrameSocket(server.port())) {
            band.send(new Login(DeviceName.of("superwristband"), "wrong"));
            assertEquals(new LoginReply(LoginStatus.INVALID_PASSWORD), band.receive());
            band.send(new Login(DeviceName.of("superwristband"), "davidpass"));
            assertEquals(new LoginReply(LoginStatus.WELCOME), band.receive());
            band.send(new RegisterUdp(8001));
            assertInstanceOf(Joined.class, band.receive());

            upload(watch, 1, "1\n2\n3\n");
            assertEquals(new Uploaded(FileId.of(1), 3), reply(watch));
            upload(watch, 2, "4\n");
            assertEquals(new Uploaded(FileId.of(2), 1), reply(watch));
            watch.send(new Compute(FileId.of(1), Operation.SUM));
            assertEquals(new Computed(FileId.of(1), Operation.SUM, "6"), reply(watch));
            watch.send(new UploadBegin(FileId.of(3)));
            watch.send(new UploadChunk(Unpooled.copiedBuffer("1\nx\n", StandardCharsets.US_ASCII)));
            assertEquals(ErrorCode.INVALID_DATA, assertInstanceOf(ErrorReply.class, reply(watch)).code());
            watch.send(new UploadAbort("the server refused the file"));
            watch.send(new PostMessage(DeviceName.of("wei-smartphone"), "hello"));
            assertInstanceOf(MessagePosted.class, reply(watch));
            band.send(new ListActive());
            assertInstanceOf(ActiveDevices.class, reply(band));
            try (FrameSocket third = new FrameSocket(server.port())) {
                assertEquals(ErrorCode.SERVER_FULL, assertInstanceOf(ErrorReply.class, third.receive()).code());
            }
            awaitCommands(8);

            EmbeddedChannel http = Scrapes.channel(new MetricsEndpoint(server.metrics()));
            String response;
            try {
                response = Scrapes.ask(http, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
            } finally {
                http.finishAndReleaseAll();
            }
            assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
            Map<String, Double> expected = new TreeMap<>();
            expected.put("edgenet_logins_total{outcome=\"joined\"}", 2.0);
            expected.put("edgenet_logins_total{outcome=\"wrong_password\"}", 1.0);
            expected.put("edgenet_logins_total{outcome=\"unknown_device\"}", 0.0);
            expected.put("edgenet_logins_total{outcome=\"blocked\"}", 0.0);
            expected.put("edgenet_logins_total{outcome=\"already_joined\"}", 0.0);
            expected.put("edgenet_blocks_total", 0.0);
            expected.put("edgenet_devices_joined", 2.0);
            expected.put("edgenet_commands_seconds_count{command=\"UED\"}", 3.0);
            expected.put("edgenet_commands_seconds_count{command=\"UED_END\"}", 2.0);
            expected.put("edgenet_commands_seconds_count{command=\"SCS\"}", 1.0);
            expected.put("edgenet_commands_seconds_count{command=\"MSG\"}", 1.0);
            expected.put("edgenet_commands_seconds_count{command=\"AED\"}", 1.0);
            expected.put("edgenet_commands_seconds_count{command=\"DTE\"}", 0.0);
            expected.put("edgenet_commands_seconds_bucket{command=\"SCS\",le=\"+Inf\"}", 1.0);
            expected.put("edgenet_uploaded_bytes_total", 12.0);
            expected.put("edgenet_stored_bytes", 8.0);
            expected.put("edgenet_uploads_refused_total{reason=\"invalid_data\"}", 1.0);
            expected.put("edgenet_messages_waiting", 1.0);
            expected.put("edgenet_connections_refused_total{reason=\"max_connections\"}", 1.0);
            expected.put("edgenet_connections_refused_total{reason=\"max_pending_logins_per_ip\"}", 0.0);
            Map<String, Double> actual = new TreeMap<>();
            for (String name : expected.keySet()) {
                actual.put(name, Scrapes.value(response, name));
            }
            assertEquals(expected, actual, "the scrape:\n" + response);
            assertEquals(2, server.metrics().joinedDevices());
        }
    }

    @Test
    void theStoredBytesFollowReplacementsAndDeletionsAndSurviveARestart() throws Exception {
        start(true, 100);
        try (FrameSocket watch = join("supersmartwatch", "comp9331")) {
            upload(watch, 1, "10\n20\n");
            assertInstanceOf(Uploaded.class, reply(watch));
            upload(watch, 2, "5\n");
            assertInstanceOf(Uploaded.class, reply(watch));
            upload(watch, 1, "1\n");
            assertInstanceOf(Uploaded.class, reply(watch));
            watch.send(new Delete(FileId.of(2)));
            assertInstanceOf(Deleted.class, reply(watch));
            assertEquals(2.0, Scrapes.value(scrape(), "edgenet_stored_bytes"), "only file 1 (\"1\\n\") is left");
        }
        server.close();
        server = null;
        start(true, 100);
        assertEquals(2.0, Scrapes.value(scrape(), "edgenet_stored_bytes"), "counted again at start");
    }

    @Test
    void metricsOffAreTheEmptyImplementation() throws Exception {
        start(false, 100);
        assertSame(ServerMetrics.NONE, server.metrics());
        try (FrameSocket watch = join("supersmartwatch", "comp9331")) {
            watch.send(new ListActive());
            assertInstanceOf(ActiveDevices.class, reply(watch));
        }
        assertEquals("", scrape(), "nothing kept");
    }
}
