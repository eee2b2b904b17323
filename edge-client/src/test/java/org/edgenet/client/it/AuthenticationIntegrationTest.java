package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole login story against a real server. */
class AuthenticationIntegrationTest {
    private static final List<String> CREDENTIALS = List.of("supersmartwatch comp9331", "uav-camera Fly#High22");

    @TempDir
    Path dir;
    private LiveServer live;

    @AfterEach
    void stopServer() {
        if (live != null) {
            live.close();
        }
    }

    LiveServer start(UnaryOperator<org.edgenet.server.ServerConfig.Builder> tweak) throws Exception {
        live = open(dir, CREDENTIALS, tweak);
        return live;
    }

    /** The server the devices log in to: one here, a cluster in {@link AuthenticationClusterTest}. */
    LiveServer open(Path dir, List<String> credentials, UnaryOperator<org.edgenet.server.ServerConfig.Builder> tweak)
            throws Exception {
        return new LiveServer(dir, credentials, tweak);
    }

    LiveServer live() {
        return live;
    }

    LoginStatus loginOnce(String device, String password) throws Exception {
        EdgeClient c = await(live.connect());
        try {
            return await(c.login(DeviceName.of(device), password));
        } finally {
            c.close();
        }
    }

    @Test
    void aWrongPasswordOrAnUnknownNameLetsTheDeviceTryAgainOnTheSameConnection() throws Exception {
        start(c -> c.attempts(3));
        EdgeClient c = await(live.connect());

        assertEquals(LoginStatus.INVALID_PASSWORD, await(c.login(DeviceName.of("supersmartwatch"), "wrong")),
                "wrong password");
        assertEquals(LoginStatus.UNKNOWN_DEVICE, await(c.login(DeviceName.of("nobody"), "comp9331")), "unknown name");
        assertEquals(LoginStatus.WELCOME, await(c.login(DeviceName.of("supersmartwatch"), "comp9331")),
                "then the right pair");
        assertEquals(DeviceName.of("supersmartwatch"), await(c.registerUdp(9001)).device(), "and the device joins");
    }

    @Test
    void theNthFailureBlocksTheDeviceForEveryConnectionUntilTheBlockEnds() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2022-09-30T10:31:13Z"));
        start(c -> c.attempts(3).blockDuration(Duration.ofSeconds(10)).clock(clock));
        EdgeClient first = await(live.connect());

        assertEquals(LoginStatus.INVALID_PASSWORD, await(first.login(DeviceName.of("supersmartwatch"), "a")),
                "first failure");
        assertEquals(LoginStatus.INVALID_PASSWORD, await(first.login(DeviceName.of("supersmartwatch"), "b")),
                "second failure");
        assertEquals(LoginStatus.BLOCKED_NOW, await(first.login(DeviceName.of("supersmartwatch"), "c")),
                "third failure blocks");
        await(first.closeFuture());

        assertEquals(LoginStatus.BLOCKED, loginOnce("supersmartwatch", "comp9331"),
                "blocked from another connection, even with the right password");
        assertEquals(LoginStatus.WELCOME, loginOnce("uav-camera", "Fly#High22"), "other devices are not blocked");

        clock.advance(Duration.ofSeconds(9));
        assertEquals(LoginStatus.BLOCKED, loginOnce("supersmartwatch", "comp9331"), "still blocked after 9 s");

        clock.advance(Duration.ofSeconds(2));
        assertEquals(LoginStatus.WELCOME, loginOnce("supersmartwatch", "comp9331"), "welcome after the block");
    }

    @Test
    void aSuccessResetsTheCountOfFailures() throws Exception {
        start(c -> c.attempts(3));
        EdgeClient c = await(live.connect());
        assertEquals(LoginStatus.INVALID_PASSWORD, await(c.login(DeviceName.of("supersmartwatch"), "a")), "failure 1");
        assertEquals(LoginStatus.INVALID_PASSWORD, await(c.login(DeviceName.of("supersmartwatch"), "b")), "failure 2");
        assertEquals(LoginStatus.WELCOME, await(c.login(DeviceName.of("supersmartwatch"), "comp9331")), "success");
        await(c.registerUdp(9001));
        await(c.leave());

        EdgeClient again = await(live.connect());
        assertEquals(LoginStatus.INVALID_PASSWORD, await(again.login(DeviceName.of("supersmartwatch"), "a")),
                "count starts over");
        assertEquals(LoginStatus.INVALID_PASSWORD, await(again.login(DeviceName.of("supersmartwatch"), "b")),
                "still not blocked");
        assertEquals(LoginStatus.WELCOME, await(again.login(DeviceName.of("supersmartwatch"), "comp9331")),
                "and in again");
    }

    @Test
    void aDeviceThatHasJoinedCannotJoinASecondTime() throws Exception {
        start(UnaryOperator.identity());
        await(live.join("supersmartwatch", "comp9331", 9001));

        assertEquals(LoginStatus.ALREADY_JOINED, loginOnce("supersmartwatch", "comp9331"), "second join refused");
    }

    @Test
    void aShortBlockOnTheRealClockLiftsByItself() throws Exception {
        Duration block = Duration.ofSeconds(1);
        start(c -> c.attempts(1).blockDuration(block));

        // Taken before the failing login: its reply may come late (a cluster's first call to a fresh
        // member), but the block cannot start before the login was sent.
        long blockedAt = System.nanoTime();
        assertEquals(LoginStatus.BLOCKED_NOW, loginOnce("supersmartwatch", "wrong"), "one failure blocks");
        LoginStatus during = loginOnce("supersmartwatch", "comp9331");
        if (System.nanoTime() - blockedAt < block.toNanos() / 2) {
            assertEquals(LoginStatus.BLOCKED, during, "blocked right after the failure");
        }

        LoginStatus[] last = {during};
        LiveServer.eventually("the block lifts", () -> {
            try {
                last[0] = loginOnce("supersmartwatch", "comp9331");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return last[0] == LoginStatus.WELCOME;
        });
        assertEquals(true, System.nanoTime() - blockedAt >= block.toNanos() * 9 / 10, "not before the block ends");
    }
}
