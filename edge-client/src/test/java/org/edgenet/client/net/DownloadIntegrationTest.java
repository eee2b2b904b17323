package org.edgenet.client.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.client.p2p.PartFiles;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DLD between a real server and a real client over TCP: a multi-chunk file comes back byte for byte
 * with its SHA-256, and each way it can fail leaves no partial file and a session that goes on
 * (or, when the connection is lost, nothing under the final name).
 */
class DownloadIntegrationTest {
    private static final DeviceName ME = DeviceName.of("supersmartwatch");
    private static final long WAIT_SECONDS = 30;
    /** About 2.3 MB: 35 chunks and a bit. */
    private static final int SAMPLES = 400_000;

    @TempDir
    Path dir;
    private Path clientDir;
    private EdgeServer server;
    private ServerConfig config;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private EdgeClient client;

    @BeforeEach
    void start() throws Exception {
        Path serverDir = Files.createDirectory(dir.resolve("server"));
        clientDir = Files.createDirectory(dir.resolve("client"));
        Files.writeString(serverDir.resolve("credentials.txt"), "supersmartwatch comp9331\n");
        config = ServerConfig.in(serverDir).port(0).build();
        server = EdgeServer.start(config);
        client = await(EdgeClient.connect(group, "127.0.0.1", server.port()));
        assertEquals(LoginStatus.WELCOME, await(client.login(ME, "comp9331")));
        await(client.registerUdp(9000));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        return assertThrows(ExecutionException.class, () -> f.get(WAIT_SECONDS, TimeUnit.SECONDS)).getCause();
    }

    /** Generates and uploads file {@code id}; returns its bytes. */
    private byte[] uploaded(long id) throws Exception {
        Random random = new Random(id);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < SAMPLES; i++) {
            text.append(random.nextInt(1000)).append('\n');
        }
        byte[] content = text.toString().getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(clientDir.resolve(ME.dataFileName(FileId.of(id))), content);
        assertEquals(new Uploaded(FileId.of(id), SAMPLES), await(client.upload(FileId.of(id), file)));
        return content;
    }

    private Path storedAtServer(long id) {
        return config.dataDir().resolve(ME.value()).resolve(ME.dataFileName(FileId.of(id)));
    }

    private Path local(long id) {
        return clientDir.resolve(ME.dataFileName(FileId.of(id)));
    }

    private List<String> partFiles() throws IOException {
        try (Stream<Path> s = Files.list(clientDir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
        }
    }

    @Test
    void aMultiChunkFileComesBackByteForByteWithTheServersDigest() throws Exception {
        byte[] content = uploaded(1);
        Files.delete(local(1));
        long[] last = new long[2];

        Downloaded done = await(client.download(FileId.of(1), local(1), (w, s) -> {
            last[0] = w;
            last[1] = s;
        }));

        assertEquals(new Downloaded(FileId.of(1), local(1), content.length, false), done);
        assertArrayEquals(content, Files.readAllBytes(local(1)), "the bytes that were uploaded");
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(storedAtServer(1))),
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(local(1))), "the server's SHA-256");
        assertArrayEquals(new long[] {content.length, content.length}, last, "progress reached the end");
        assertTrue(partFiles().isEmpty(), "no temp file left");

        assertTrue(await(client.download(FileId.of(1), local(1), DownloadProgress.NONE)).replaced(),
                "a second download replaces the first");
        assertArrayEquals(content, Files.readAllBytes(local(1)));
    }

    @Test
    void anUnknownFileIsNoSuchFileAndTheSessionGoesOn() throws Exception {
        ServerError e = assertInstanceOf(ServerError.class,
                failure(client.download(FileId.of(42), local(42), DownloadProgress.NONE)));

        assertEquals(ErrorCode.NO_SUCH_FILE, e.code());
        assertEquals("file 42 does not exist at the server side", e.getMessage());
        assertFalse(Files.exists(local(42)));
        assertTrue(partFiles().isEmpty());
        assertEquals(List.<DeviceInfo>of(), await(client.listActive()), "the session goes on");
    }

    @Test
    void aFileDeletedAtTheServerDuringTheDownloadArrivesWholeAsItWasWhenAsked() throws Exception {
        byte[] content = uploaded(2);
        Files.delete(local(2));
        AtomicBoolean deleted = new AtomicBoolean();

        Downloaded done = await(client.download(FileId.of(2), local(2), (w, s) -> {
            if (deleted.compareAndSet(false, true)) {
                try {
                    Files.delete(storedAtServer(2));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }));

        assertTrue(deleted.get(), "deleted during the download");
        assertEquals(content.length, done.bytes());
        assertArrayEquals(content, Files.readAllBytes(local(2)), "the file as the server held it when asked");
    }

    @Test
    void aRequestMadeDuringADownloadIsAnsweredAfterIt() throws Exception {
        uploaded(3);
        CompletableFuture<Downloaded> download = client.download(FileId.of(3), local(3), DownloadProgress.NONE);
        CompletableFuture<List<DeviceInfo>> active = client.listActive();

        assertEquals(List.<DeviceInfo>of(), await(active));
        assertTrue(download.isDone() && !download.isCompletedExceptionally(), "the download was answered first");
    }

    @Test
    void aFullDiskCancelsAtTheServerLeavesTheOldFileAndTheSessionGoesOn() throws Exception {
        uploaded(4);
        Files.writeString(local(4), "old\n");
        DownloadFile.Disk fillsUp = new FullAfter(200_000);

        DownloadFailedException e = assertInstanceOf(DownloadFailedException.class,
                failure(client.download(FileId.of(4), local(4), DownloadProgress.NONE, fillsUp)));

        assertEquals("the disk is full", e.getMessage());
        assertEquals("old\n", Files.readString(local(4)), "the old file is untouched");
        assertTrue(partFiles().isEmpty(), "no temp file left");
        assertEquals(List.<DeviceInfo>of(), await(client.listActive()), "the stream was ended: the next reply is AED's");
    }

    @Test
    void aConnectionLostMidDownloadLeavesNothingUnderTheFinalName() throws Exception {
        uploaded(5);
        Files.delete(local(5));
        AtomicBoolean closed = new AtomicBoolean();

        Throwable cause = failure(client.download(FileId.of(5), local(5), (w, s) -> {
            if (closed.compareAndSet(false, true)) {
                // The writer waits for the close, so the stream cannot reach its end first.
                client.close();
                client.closeFuture().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
            }
        }));

        assertInstanceOf(ConnectionLostException.class, cause);
        assertFalse(Files.exists(local(5)), "no file under the final name");
        assertTrue(partFiles().isEmpty(), "and no temp file");
    }

    /** The real disk, full once {@code limit} bytes of the download are written. */
    private static final class FullAfter implements DownloadFile.Disk {
        private final long limit;
        private long written;

        FullAfter(long limit) {
            this.limit = limit;
        }

        @Override
        public Executor newWriter() {
            return DownloadFile.DISK.newWriter();
        }

        @Override
        public void closeWriter(Executor writer) {
            DownloadFile.DISK.closeWriter(writer);
        }

        @Override
        public PartFiles.Owned create(Path dir) throws IOException {
            return DownloadFile.DISK.create(dir);
        }

        @Override
        public long usableSpace(Path dir) throws IOException {
            return DownloadFile.DISK.usableSpace(dir);
        }

        @Override
        public void write(FileChannel out, ByteBuffer bytes) throws IOException {
            if (written + bytes.remaining() > limit) {
                throw new IOException("No space left on device");
            }
            written += bytes.remaining();
            DownloadFile.DISK.write(out, bytes);
        }

        @Override
        public void force(FileChannel out) throws IOException {
            DownloadFile.DISK.force(out);
        }
    }
}
