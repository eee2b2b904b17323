package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryLoginGuardTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2022-09-30T10:00:00Z"));
    private final InMemoryLoginGuard guard = new InMemoryLoginGuard(3, Duration.ofSeconds(10), clock);

    @Test
    void blocksOnTheNthConsecutiveFailureForTheBlockDuration() {
        assertEquals(new LoginGuard.Failure(1, false, false), guard.recordFailure(DeviceName.of("d")));
        assertEquals(new LoginGuard.Failure(2, false, false), guard.recordFailure(DeviceName.of("d")));
        assertEquals(new LoginGuard.Failure(3, true, false), guard.recordFailure(DeviceName.of("d")));
        assertEquals(Duration.ofSeconds(10), guard.blockedFor(DeviceName.of("d")).orElseThrow());
        clock.advance(Duration.ofSeconds(4));
        assertEquals(Duration.ofSeconds(6), guard.blockedFor(DeviceName.of("d")).orElseThrow());
        clock.advance(Duration.ofSeconds(6));
        assertTrue(guard.blockedFor(DeviceName.of("d")).isEmpty(), "block over");
        assertEquals(new LoginGuard.Failure(1, false, false), guard.recordFailure(DeviceName.of("d")),
                "count starts again");
    }

    @Test
    void aFailureWhileBlockedSaysSoAndDoesNotExtendTheBlock() {
        for (int i = 0; i < 3; i++) {
            guard.recordFailure(DeviceName.of("d"));
        }
        clock.advance(Duration.ofSeconds(5));
        LoginGuard.Failure f = guard.recordFailure(DeviceName.of("d"));
        assertTrue(f.alreadyBlocked(), "already blocked");
        assertFalse(f.blockedNow(), "not blocked again");
        assertEquals(Duration.ofSeconds(5), guard.blockedFor(DeviceName.of("d")).orElseThrow());
    }

    @Test
    void successResetsTheCountAndNamesAreIndependent() {
        guard.recordFailure(DeviceName.of("d"));
        guard.recordFailure(DeviceName.of("d"));
        guard.recordSuccess(DeviceName.of("d"));
        guard.recordFailure(DeviceName.of("e"));
        guard.recordFailure(DeviceName.of("e"));
        assertEquals(1, guard.recordFailure(DeviceName.of("d")).failures());
        assertTrue(guard.recordFailure(DeviceName.of("e")).blockedNow(), "e reached three");
        assertTrue(guard.blockedFor(DeviceName.of("d")).isEmpty(), "d is not blocked");
    }

    @Test
    void aRightPasswordDoesNotLiftABlock() {
        for (int i = 0; i < 3; i++) {
            guard.recordFailure(DeviceName.of("d"));
        }
        assertFalse(guard.recordSuccess(DeviceName.of("d")), "refused while blocked");
        assertTrue(guard.blockedFor(DeviceName.of("d")).isPresent(), "still blocked");
        clock.advance(Duration.ofSeconds(10));
        assertTrue(guard.recordSuccess(DeviceName.of("d")), "accepted after the block");
    }

    @Test
    void concurrentFailuresBlockExactlyOnce() {
        InMemoryLoginGuard many = new InMemoryLoginGuard(5, Duration.ofSeconds(10), clock);
        List<CompletableFuture<LoginGuard.Failure>> all = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            all.add(CompletableFuture.supplyAsync(() -> many.recordFailure(DeviceName.of("d"))));
        }
        long blockedNow = all.stream().map(CompletableFuture::join).filter(LoginGuard.Failure::blockedNow).count();
        assertEquals(1, blockedNow, "exactly one failure blocks");
        assertTrue(many.blockedFor(DeviceName.of("d")).isPresent(), "blocked");
    }
}
