package org.edgenet.common.wire;

import org.edgenet.common.message.MessageType;
import org.edgenet.common.p2p.DatagramType;
import org.edgenet.common.p2p.RejectCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one way every wire-code enum finds its constants, and how it refuses a broken enum. */
class CodeTableTest {
    /** Each wire-code enum with its lookup and the width of the field its codes travel in. */
    static Stream<Arguments> everyWireCodeEnum() {
        return Stream.of(
                Arguments.of(MessageType.class, (IntFunction<Optional<?>>) MessageType::lookup, 8),
                Arguments.of(ErrorCode.class, (IntFunction<Optional<?>>) ErrorCode::lookup, 16),
                Arguments.of(DatagramType.class, (IntFunction<Optional<?>>) DatagramType::lookup, 8),
                Arguments.of(RejectCode.class, (IntFunction<Optional<?>>) RejectCode::lookup, 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyWireCodeEnum")
    void everyConstantRoundTripsThroughItsCode(Class<? extends WireCode> type, IntFunction<Optional<?>> lookup, int bits) {
        for (WireCode c : type.getEnumConstants()) {
            assertEquals(Optional.of(c), lookup.apply(c.code()), "lookup of " + c + "'s code " + c.code());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyWireCodeEnum")
    void everyCodeNoConstantHasLooksUpAsEmpty(Class<? extends WireCode> type, IntFunction<Optional<?>> lookup, int bits) {
        int known = 0;
        for (int code = -1; code <= 1 << bits; code++) {
            Optional<?> found = lookup.apply(code);
            if (found.isPresent()) {
                assertEquals(code, ((WireCode) found.get()).code(), "the constant found for " + code);
                known++;
            }
        }
        assertEquals(type.getEnumConstants().length, known, "only the constants' own codes are known");
    }

    @Test
    void twoConstantsWithOneCodeAreRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CodeTable.of(Clash.values(), 8),
                "building a table with a shared code");

        assertEquals("Clash.FIRST and Clash.SECOND share code 1", e.getMessage(), "what the refusal names");
    }

    @Test
    void anEnumWithASharedCodeDoesNotLoad() {
        ExceptionInInitializerError e = assertThrows(ExceptionInInitializerError.class, () -> Broken.FIRST.code(),
                "first use of an enum that builds its table in a static field");

        assertInstanceOf(IllegalStateException.class, e.getCause(), "the cause");
    }

    @Test
    void aCodeThatDoesNotFitItsFieldIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CodeTable.of(Wide.values(), 8),
                "a code of 256 in a u8");

        assertTrue(e.getMessage().contains("Wide.TOO_WIDE has code 256"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> CodeTable.of(Negative.values(), 8), "a negative code");
    }

    private enum Clash implements WireCode {
        FIRST, SECOND;

        @Override
        public int code() {
            return 1;
        }
    }

    private enum Broken implements WireCode {
        FIRST, SECOND;

        // Built as every wire-code enum builds its table: loading the class runs it.
        private static final CodeTable<Broken> CODES = CodeTable.of(values(), 8);

        @Override
        public int code() {
            return 1;
        }
    }

    private enum Wide implements WireCode {
        FINE, TOO_WIDE;

        @Override
        public int code() {
            return ordinal() * 256;
        }
    }

    private enum Negative implements WireCode {
        BELOW_ZERO;

        @Override
        public int code() {
            return -1;
        }
    }
}
