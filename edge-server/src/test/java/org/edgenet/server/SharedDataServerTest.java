package org.edgenet.server;

import io.netty.buffer.Unpooled;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Compute;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Delete;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.ErrorReply;
import org.edgenet.common.message.Joined;
import org.edgenet.common.message.Login;
import org.edgenet.common.message.LoginReply;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.RegisterUdp;
import org.edgenet.common.message.UploadBegin;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.UploadEnd;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two real servers of one cluster, each in a working directory of its own, with one data directory. */
class SharedDataServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<EdgeServer> servers = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void startServers() throws Exception {
        servers.addAll(ClusterOfServers.start(dir, 28330, 2, b -> b.dataDir(dir.resolve("data"))));
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(EdgeServer::close);
    }

    /** Joins through {@code server}, once the device's last connection elsewhere has left. */
    private static FrameSocket joined(int server, String device, String password) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            FrameSocket s = new FrameSocket(servers.get(server).port());
            s.send(new Login(DeviceName.of(device), password));
            Message reply = s.receive();
            if (reply.equals(new LoginReply(LoginStatus.WELCOME))) {
                s.send(new RegisterUdp(8000));
                assertInstanceOf(Joined.class, s.receive(), device + " joined on server " + server);
                return s;
            }
            s.close();
            assertEquals(new LoginReply(LoginStatus.ALREADY_JOINED), reply, device + " on server " + server);
            assertTrue(System.nanoTime() < end, device + " still joined elsewhere");
            LockSupport.parkNanos(20_000_000);
        }
    }

    @Test
    void aFileUploadedThroughOneServerIsSummedAndDeletedThroughTheOther() throws Exception {
        try (FrameSocket watch = joined(0, "supersmartwatch", "comp9331")) {
            watch.send(new UploadBegin(FileId.of(1)));
            watch.send(new UploadChunk(Unpooled.copiedBuffer("1\n2\n3\n", StandardCharsets.US_ASCII)));
            watch.send(new UploadEnd());
            assertEquals(new Uploaded(FileId.of(1), 3), watch.receive());
        }
        try (FrameSocket watch = joined(1, "supersmartwatch", "comp9331")) {
            watch.send(new Compute(FileId.of(1), Operation.SUM));
            assertEquals(new Computed(FileId.of(1), Operation.SUM, "6"), watch.receive(), "SCS on the other server");
            watch.send(new Delete(FileId.of(1)));
            assertEquals(new Deleted(FileId.of(1), 3), watch.receive(), "DTE on the other server");
        }
        try (FrameSocket watch = joined(0, "supersmartwatch", "comp9331")) {
            watch.send(new Compute(FileId.of(1), Operation.SUM));
            assertEquals(ErrorCode.NO_SUCH_FILE, assertInstanceOf(ErrorReply.class, watch.receive()).code(),
                    "SCS on the first server after the deletion through the other");
        }
        assertTrue(Files.readString(dir.resolve("server0").resolve("upload-log.txt")).startsWith("supersmartwatch; "),
                "the upload in the log of the server that received it");
        assertTrue(Files.readString(dir.resolve("server1").resolve("deletion-log.txt")).startsWith("supersmartwatch; "),
                "the deletion in the log of the server that made it");
    }
}
