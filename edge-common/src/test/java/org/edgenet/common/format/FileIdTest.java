package org.edgenet.common.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileIdTest {
    @Test
    void zeroAndTheLargestLongAreFileIds() {
        assertEquals(0, FileId.of(0).value());
        assertEquals(Long.MAX_VALUE, FileId.of(Long.MAX_VALUE).value());
    }

    @Test
    void aNegativeNumberIsRefusedWithTheSentenceTheDeviceHears() {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> FileId.of(-1));
        assertEquals("file ID must not be negative: -1", e.getMessage());
        assertThrows(InvalidValueException.class, () -> new FileId(Long.MIN_VALUE), "the constructor checks too");
    }

    @Test
    void readsAsTheNumberItself() {
        assertEquals("42", FileId.of(42).toString());
    }
}
