package org.edgenet.common.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceNamesTest {
    /** The limit of a path component on common file systems. */
    private static final int NAME_MAX = 255;

    @Test
    void aNameOfTheLongestLengthIsValidAndOneByteMoreIsNot() {
        assertTrue(DeviceNames.isValid("d".repeat(DeviceNames.MAX_BYTES)), "at the limit");
        assertFalse(DeviceNames.isValid("d".repeat(DeviceNames.MAX_BYTES + 1)), "one byte over");
    }

    @Test
    void theLongestFileNamesBuiltFromTheLongestNameFitInAPathComponent() {
        DeviceName name = DeviceName.of("d".repeat(DeviceNames.MAX_BYTES));
        String data = name.dataFileName(FileId.of(Long.MAX_VALUE));
        // What the server and the device write beside a data file; see DeviceNames.MAX_BYTES.
        String deviceTemp = "." + data + "." + Long.toUnsignedString(-1L, 36) + ".tmp";
        String sidecar = data + ".stats";
        assertTrue(deviceTemp.length() <= NAME_MAX, deviceTemp.length() + " bytes");
        assertTrue(sidecar.length() <= NAME_MAX, sidecar.length() + " bytes");
        assertEquals(DeviceNames.MAX_BYTES + 43, deviceTemp.length(), "the arithmetic of MAX_BYTES");
    }

    @Test
    void unsafeCharactersAndDirectoryNamesAreNotNames() {
        for (String bad : new String[] {"", ".", "..", "a/b", "a b", "a\\b", "caf\u00e9"}) {
            assertFalse(DeviceNames.isValid(bad), bad);
        }
    }
}
