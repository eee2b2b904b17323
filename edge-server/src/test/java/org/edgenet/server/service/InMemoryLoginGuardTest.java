package org.edgenet.server.service;

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
        assertEquals(new LoginGuard.Failure(1, false, false), guard.recordFailure("d"));
        assertEquals(new LoginGuard.Failure(2, false, false), guard.recordFailure("d"));
        assertEquals(new LoginGuard.Failure(3, true, false), guard.recordFailure("d"));
        assertEquals(Duration.ofSeconds(10), guard.blockedFor("d").orElseThrow());
        clock.advance(Duration.ofSeconds(4));
        assertEquals(Duration.ofSeconds(6), guard.blockedFor("d").orElseThrow());
        clock.advance(Duration.ofSeconds(6));
        assertTrue(guard.blockedFor("d").isEmpty(), "block over");
        assertEquals(new LoginGuard.Failure(1, false, false), guard.recordFailure("d"), "count starts again");
    }

    @Test
    void aFailureWhileBlockedSaysSoAndDoesNotExtendTheBlock() {
        for (int i = 0; i < 3; i++) {
            guard.recordFailure("d");
        }
        clock.advance(Duration.ofSeconds(5));
        LoginGuard.Failure f = guard.recordFailure("d");
        assertTrue(f.alreadyBlocked(), "already blocked");
        assertFalse(f.blockedNow(), "not blocked again");
        assertEquals(Duration.ofSeconds(5), guard.blockedFor("d").orElseThrow());
    }

    @Test
    void successResetsTheCountAndNamesAreIndependent() {
        guard.recordFailure("d");
        guard.recordFailure("d");
        guard.recordSuccess("d");
        guard.recordFailure("e");
        guard.recordFailure("e");
        assertEquals(1, guard.recordFailure("d").failures());
        assertTrue(guard.recordFailure("e").blockedNow(), "e reached three");
        assertTrue(guard.blockedFor("d").isEmpty(), "d is not blocked");
    }

    @Test
    void aRightPasswordDoesNotLiftABlock() {
        for (int i = 0; i < 3; i++) {
            guard.recordFailure("d");
        }
        assertFalse(guard.recordSuccess("d"), "refused while blocked");
        assertTrue(guard.blockedFor("d").isPresent(), "still blocked");
        clock.advance(Duration.ofSeconds(10));
        assertTrue(guard.recordSuccess("d"), "accepted after the block");
    }

    @Test
    void concurrentFailuresBlockExactlyOnce() {
        InMemoryLoginGuard many = new InMemoryLoginGuard(5, Duration.ofSeconds(10), clock);
        List<CompletableFuture<LoginGuard.Failure>> all = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            all.add(CompletableFuture.supplyAsync(() -> many.recordFailure("d")));
        }
        long blockedNow = all.stream().map(CompletableFuture::join).filter(LoginGuard.Failure::blockedNow).count();
        assertEquals(1, blockedNow, "exactly one failure blocks");
        assertTrue(many.blockedFor("d").isPresent(), "blocked");
    }
}
