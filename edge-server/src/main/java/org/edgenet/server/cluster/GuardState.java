package org.edgenet.server.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One device name's failed logins as the cluster shares them, and the steps that change them. Each
 * step is an entry processor: it runs where the entry lives, one at a time per name, so two
 * members counting failures of one name at once never lose one.
 *
 * @param failures     consecutive failures
 * @param blockedUntil epoch milliseconds the block ends; 0 while not blocked
 */
record GuardState(int failures, long blockedUntil) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long TTL_MARGIN_MILLIS = 2_000;

    boolean blockedAt(long now) {
        return blockedUntil != 0 && now < blockedUntil;
    }

    boolean expiredAt(long now) {
        return blockedUntil != 0 && now >= blockedUntil;
    }

    /** What one more failure did; see {@link org.edgenet.server.service.LoginGuard.Failure}. */
    record Outcome(int failures, boolean blockedNow, boolean alreadyBlocked) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Counts a failure at {@code now}. A block is stored with a time-to-live a little past its end, so the
     * cluster forgets it by itself; a count below the limit stays until a right password, as on a
     * server alone (names come only from the credentials, so they are bounded).
     */
    record Fail(long now, int attempts, long blockMillis) implements EntryProcessor<String, GuardState, Outcome> {
        private static final long serialVersionUID = 1L;

        @Override
        public Outcome process(Map.Entry<String, GuardState> entry) {
            GuardState s = entry.getValue();
            if (s == null || s.expiredAt(now)) {
                s = new GuardState(0, 0);
            }
            if (s.blockedAt(now)) {
                return new Outcome(s.failures(), false, true);
            }
            int failures = s.failures() + 1;
            if (failures >= attempts) {
                GuardState blocked = new GuardState(failures, now + blockMillis);
                // The cluster keeps entry times in whole seconds and may drop an entry up to a second
                // early: the block's end is blockedUntil, the time-to-live only clears it afterwards.
                ((ExtendedMapEntry<String, GuardState>) entry).setValue(blocked, blockMillis + TTL_MARGIN_MILLIS,
                        TimeUnit.MILLISECONDS);
                return new Outcome(failures, true, false);
            }
            entry.setValue(new GuardState(failures, 0));
            return new Outcome(failures, false, false);
        }
    }

    /** A right password at {@code now}: clears the count, unless the name is blocked (then false). */
    record Succeed(long now) implements EntryProcessor<String, GuardState, Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean process(Map.Entry<String, GuardState> entry) {
            GuardState s = entry.getValue();
            if (s != null && s.blockedAt(now)) {
                return false;
            }
            if (s != null) {
                entry.setValue(null);
            }
            return true;
        }
    }
}
