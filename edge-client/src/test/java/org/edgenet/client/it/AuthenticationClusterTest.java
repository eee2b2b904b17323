package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario of {@link AuthenticationIntegrationTest} on three server processes in cluster
 * mode, each connection sent to a node picked at random: failures, blocks and joins count
 * cluster-wide. Blocks run on the real clock: a server process cannot read the test's.
 */
class AuthenticationClusterTest extends AuthenticationIntegrationTest {
    @AfterAll
    static void stopServers() throws IOException {
        LiveServer.stopProcesses();
    }

    @Override
    LiveServer open(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        return LiveServer.processes(credentials, tweak, ActiveDevicesClusterTest.NODES);
    }

    /**
     * The same story on the real clock, since a server process cannot read the test's: three
     * failures through random nodes block the name on every node, even for the right password,
     * and the block, a few seconds here, ends by itself.
     */
    @Override
    @Test
    void theNthFailureBlocksTheDeviceForEveryConnectionUntilTheBlockEnds() throws Exception {
        Duration block = Duration.ofSeconds(3);
        start(c -> c.attempts(3).blockDuration(block));
        EdgeClient first = await(live().connect());
        assertEquals(LoginStatus.INVALID_PASSWORD, await(first.login(DeviceName.of("supersmartwatch"), "a")));
        assertEquals(LoginStatus.INVALID_PASSWORD, await(first.login(DeviceName.of("supersmartwatch"), "b")));
        long blockedAt = System.nanoTime();
        assertEquals(LoginStatus.BLOCKED_NOW, await(first.login(DeviceName.of("supersmartwatch"), "c")),
                "third failure blocks");
        await(first.closeFuture());

        LoginStatus during = loginOnce("supersmartwatch", "comp9331");
        if (System.nanoTime() - blockedAt < block.toNanos() / 2) {
            assertEquals(LoginStatus.BLOCKED, during, "blocked on another connection, even with the right password");
        }
        assertEquals(LoginStatus.WELCOME, loginOnce("uav-camera", "Fly#High22"), "other devices are not blocked");

        LiveServer.eventually("the block ends", () -> {
            try {
                return loginOnce("supersmartwatch", "comp9331") == LoginStatus.WELCOME;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(System.nanoTime() - blockedAt >= block.toNanos() * 9 / 10, "not before the block ends");
    }
}
