package org.edgenet.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShutdownTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(EdgeServer.class);

    @BeforeEach
    void listen() {
        logged.start();
        serverLog.addAppender(logged);
        // The warnings are the point of the test; the build output need not show them.
        serverLog.setAdditive(false);
    }

    @AfterEach
    void stopListening() {
        serverLog.detachAppender(logged);
        serverLog.setAdditive(true);
    }

    @Test
    void closeReturnsEvenWhileAConnectionThreadIsStuck() throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        EdgeServer server = EdgeServer.start(ServerConfig.in(dir).port(0).bindAddress(LOOPBACK)
                .ioThreads(1).build());
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            s.setSoTimeout(10_000);
            // A reply shows that the connection lives on the one connection thread.
            s.getOutputStream().write(frameOf(new Login(DeviceName.of("nobody"), "x")));
            new DataInputStream(s.getInputStream()).readFully(new byte[WireFormat.HEADER_LENGTH]);
            server.connectionThreads().execute(() -> {
                stuck.countDown();
                awaitQuietly(release);
            });
            assertTrue(stuck.await(10, TimeUnit.SECONDS), "the connection thread is stuck");

            assertTimeoutPreemptively(Duration.ofSeconds(30), server::close, "close gives up waiting");

            List<String> warnings = logged.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(warnings.contains("Gave up waiting for the device connections to close"),
                    warnings.toString());
            assertTrue(warnings.contains("Gave up waiting for the connection threads to stop"),
                    warnings.toString());
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] frameOf(Login m) {
        ByteBuf buf = Unpooled.buffer();
        try {
            MessageCodec.encode(m, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}
