package org.edgenet.server.metrics;

import io.netty.channel.embedded.EmbeddedChannel;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.ListActive;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.UploadAbort;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics through Netty's HTTP codec, on an {@link EmbeddedChannel} with frozen time. */
class MetricsEndpointTest {
    private static final String GET = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private final AtomicInteger joinedNow = new AtomicInteger(2);
    private PrometheusMetrics metrics;
    private EmbeddedChannel ch;

    @BeforeEach
    void start() {
        metrics = new PrometheusMetrics(joinedNow::get, () -> 4096, () -> 7);
        ch = Scrapes.channel(new MetricsEndpoint(metrics));
        ch.freezeTime();
    }

    @AfterEach
    void stop() {
        ch.finishAndReleaseAll();
        metrics.close();
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void answersWithThePrometheusTextFormatAndItsContentType() {
        metrics.login(LoginStatus.INVALID_PASSWORD);
        metrics.joined();
        String response = Scrapes.ask(ch, GET);
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.contains("\r\ncontent-type: text/plain; version=0.0.4; charset=utf-8\r\n"), response);
        String body = body(response);
        assertTrue(response.contains("\r\ncontent-length: " + body.getBytes(StandardCharsets.UTF_8)
                .length + "\r\n"), response);
        assertTrue(body.contains("# TYPE edgenet_logins_total counter\n"), body);
        assertFalse(body.contains("# EOF"), "not OpenMetrics");
        assertEquals(1.0, Scrapes.value(body, "edgenet_logins_total{outcome=\"joined\"}"));
        assertEquals(1.0, Scrapes.value(body, "edgenet_logins_total{outcome=\"wrong_password\"}"));
        assertEquals(0.0, Scrapes.value(body, "edgenet_logins_total{outcome=\"blocked\"}"), "every outcome is shown");
        assertEquals(2.0, Scrapes.value(body, "edgenet_devices_joined"));
        assertEquals(4096.0, Scrapes.value(body, "edgenet_stored_bytes"));
        assertEquals(7.0, Scrapes.value(body, "edgenet_messages_waiting"));
        assertTrue(ch.isOpen(), "HTTP/1.1 keeps the connection");
    }

    @Test
    void countsEveryKindOfEventUnderItsOwnLabel() {
        metrics.login(LoginStatus.BLOCKED_NOW);
        metrics.login(LoginStatus.BLOCKED);
        metrics.login(LoginStatus.WELCOME);
        metrics.loginBusy();
        metrics.connectionRefused(ServerMetrics.Refusal.MAX_PENDING_LOGINS_PER_IP);
        metrics.uploaded(100);
        metrics.uploaded(28);
        metrics.uploadRefused(new ProtocolException(ErrorCode.INVALID_DATA, "line 3"));
        metrics.uploadRefused(new ProtocolException(ErrorCode.INVALID_DATA, "line 9"));
        metrics.uploadRefused(new IllegalStateException("the disk went away"));
        String body = body(Scrapes.ask(ch, GET));
        assertEquals(1.0, Scrapes.value(body, "edgenet_logins_total{outcome=\"wrong_password\"}"), "the one that blocked");
        assertEquals(1.0, Scrapes.value(body, "edgenet_blocks_total"));
        assertEquals(1.0, Scrapes.value(body, "edgenet_logins_total{outcome=\"blocked\"}"));
        assertEquals(1.0, Scrapes.value(body, "edgenet_logins_total{outcome=\"busy\"}"));
        assertEquals(0.0, Scrapes.value(body, "edgenet_logins_total{outcome=\"joined\"}"), "a welcome is no join yet");
        assertEquals(1.0, Scrapes.value(body, "edgenet_connections_refused_total{reason=\"max_pending_logins_per_ip\"}"));
        assertEquals(0.0, Scrapes.value(body, "edgenet_connections_refused_total{reason=\"max_connections\"}"));
        assertEquals(128.0, Scrapes.value(body, "edgenet_uploaded_bytes_total"));
        assertEquals(2.0, Scrapes.value(body, "edgenet_uploads_refused_total{reason=\"invalid_data\"}"));
        assertEquals(1.0, Scrapes.value(body, "edgenet_uploads_refused_total{reason=\"failed\"}"));
        for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "jvm_gc_memory_allocated_bytes_total", "process_uptime_seconds"}) {
            assertTrue(body.contains("\n" + jvm), jvm + " is scraped");
        }
    }

    @Test
    void timesEachCommandIntoTheBucketsOfItsType() {
        CommandTimer timer = metrics.commandTimer(ch.eventLoop().ticker());
        timer.started(new ListActive());
        ch.advanceTimeBy(3, TimeUnit.MILLISECONDS);
        timer.finished();
        timer.started(new Compute(FileId.of(1), Operation.SUM));
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        // An abort is no request: it leaves the running command alone.
        timer.started(new UploadAbort("gone"));
        timer.finished();
        timer.finished();
        String body = body(Scrapes.ask(ch, GET));
        assertEquals(1.0, Scrapes.value(body, "edgenet_commands_seconds_count{command=\"AED\"}"));
        assertEquals(0.0, Scrapes.value(body, "edgenet_commands_seconds_bucket{command=\"AED\",le=\"0.001\"}"));
        assertEquals(1.0, Scrapes.value(body, "edgenet_commands_seconds_bucket{command=\"AED\",le=\"0.005\"}"));
        assertEquals(1.0, Scrapes.value(body, "edgenet_commands_seconds_count{command=\"SCS\"}"), "finished once");
        assertEquals(0.0, Scrapes.value(body, "edgenet_commands_seconds_bucket{command=\"SCS\",le=\"0.1\"}"));
        assertEquals(1.0, Scrapes.value(body, "edgenet_commands_seconds_bucket{command=\"SCS\",le=\"0.5\"}"));
        assertEquals(0.2, Scrapes.value(body, "edgenet_commands_seconds_sum{command=\"SCS\"}"), 1e-9);
        assertEquals(2, metrics.commandsHandled());
    }

    @Test
    void servesTheSameScrapeWithinASecondAndAFreshOneAfter() {
        String first = body(Scrapes.ask(ch, GET));
        metrics.joined();
        joinedNow.set(3);
        ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        assertEquals(first, body(Scrapes.ask(ch, GET)), "a flood of requests costs one scrape a second");
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        String fresh = body(Scrapes.ask(ch, GET));
        assertEquals(1.0, Scrapes.value(fresh, "edgenet_logins_total{outcome=\"joined\"}"));
        assertEquals(3.0, Scrapes.value(fresh, "edgenet_devices_joined"));
        assertEquals(3, metrics.joinedDevices());
    }

    @Test
    void closesAfterAnsweringAClientThatAsksForIt() {
        String response = Scrapes.ask(ch, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertFalse(ch.isOpen(), "closed once answered");
    }

    @Test
    void metricsOffCountNothingAndCostNoTickerRead() {
        ServerMetrics none = ServerMetrics.NONE;
        none.login(LoginStatus.INVALID_PASSWORD);
        none.uploadRefused(new IllegalStateException("x"));
        // A null ticker would throw if read.
        CommandTimer timer = none.commandTimer(null);
        timer.started(new ListActive());
        timer.finished();
        assertEquals(0, none.commandsHandled());
        assertEquals(0, none.joinedDevices());
    }
}
