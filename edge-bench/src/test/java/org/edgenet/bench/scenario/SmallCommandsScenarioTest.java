package org.edgenet.bench.scenario;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmallCommandsScenarioTest {
    @Test
    void aedIsHalfUpToAThousandDevicesThenKeepsTheSameEntriesInFlight() {
        assertEquals(0.5, SmallCommandsScenario.aedShare(20), 1e-9, "half with few devices");
        assertEquals(0.5, SmallCommandsScenario.aedShare(1_000), 1e-9, "half at 1,000");
        assertEquals(0.005, SmallCommandsScenario.aedShare(10_000), 1e-9, "one in two hundred at 10,000");
        for (int devices : new int[] {1_000, 2_500, 10_000, 19_000}) {
            // One command in flight per device, each AED listing about as many devices as are joined.
            double entriesInFlight = devices * SmallCommandsScenario.aedShare(devices) * devices;
            assertEquals(SmallCommandsScenario.AED_ENTRIES_IN_FLIGHT, entriesInFlight, 1e-3,
                    "AED entries in flight at " + devices);
        }
    }
}
