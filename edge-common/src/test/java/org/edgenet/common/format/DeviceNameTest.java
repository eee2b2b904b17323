package org.edgenet.common.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceNameTest {
    @Test
    void aNameOfTheLongestLengthIsANameAndOneByteMoreIsRefused() {
        String longest = "d".repeat(DeviceNames.MAX_BYTES);
        assertEquals(longest, DeviceName.of(longest).value(), "200 bytes");
        assertThrows(InvalidValueException.class, () -> DeviceName.of(longest + "d"), "201 bytes");
    }

    @Test
    void refusesEmptyDirectoryNamesPathsAndNonAsciiText() {
        for (String bad : new String[] {"", ".", "..", "/", "a/b", "..\\x", "a b", "caf\u00e9", "\u0000"}) {
            assertThrows(InvalidValueException.class, () -> DeviceName.of(bad), "'" + bad + "'");
        }
    }

    @Test
    void refusesNullThroughTheConstructorToo() {
        assertThrows(InvalidValueException.class, () -> new DeviceName(null), "null");
    }

    @Test
    void theRefusalNeverRepeatsTheNameForItMayBeAPassword() {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> DeviceName.of("hunter2 secret"));
        assertEquals("not a valid device name", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), "no trace of the text");
    }

    @Test
    void readsAsTheNameItselfInLogsAndBuildsTheDataFileName() {
        DeviceName watch = DeviceName.of("supersmartwatch");
        assertEquals("supersmartwatch", watch.toString());
        assertEquals("supersmartwatch-7.txt", watch.dataFileName(FileId.of(7)));
        assertEquals(DeviceName.of("supersmartwatch"), watch, "a value: equal names are equal");
    }
}
