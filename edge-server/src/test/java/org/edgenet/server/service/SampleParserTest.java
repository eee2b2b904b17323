package org.edgenet.server.service;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SampleParserTest {
    private static SampleStats parse(String text, int chunk) {
        SampleStats stats = new SampleStats();
        SampleParser p = new SampleParser(stats);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            p.feed(b, i, Math.min(chunk, b.length - i));
        }
        p.finish();
        return stats;
    }

    private static String failure(String text) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> parse(text, 1));
        assertEquals(ErrorCode.INVALID_DATA, e.code());
        return e.getMessage();
    }

    @Test
    void everyChunkSizeGivesTheSameResult() {
        String text = "123\n-45\n+6\n9223372036854775807\n-9223372036854775808\n0\n";
        FileSummary expected = parse(text, text.length()).summary(0);
        for (int chunk = 1; chunk < text.length(); chunk++) {
            assertEquals(expected, parse(text, chunk).summary(0), "chunk size " + chunk);
        }
        assertEquals(6, expected.count());
        assertEquals(BigInteger.valueOf(123 - 45 + 6 - 1), expected.sum());
        assertEquals(Long.MIN_VALUE, expected.min());
        assertEquals(Long.MAX_VALUE, expected.max());
    }

    @Test
    void theSumIsExactFarBeyondTheLongRange() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            text.append(Long.MAX_VALUE).append('\n');
        }
        for (int i = 0; i < 3; i++) {
            text.append(Long.MIN_VALUE).append('\n');
        }
        BigInteger expected = BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.valueOf(1000))
                .add(BigInteger.valueOf(Long.MIN_VALUE).multiply(BigInteger.valueOf(3)));
        assertEquals(expected, parse(text.toString(), 4096).sum());
    }

    @Test
    void reportsTheFirstBadLine() {
        assertEquals("line 3: not an integer (unexpected 'x')", failure("1\n2\n3x\n4\nyy\n"));
        assertEquals("line 1: not an integer (unexpected '.')", failure("2.5"));
        assertEquals("line 2: empty line", failure("1\n\n2\n"));
        assertEquals("line 1: empty line", failure("\n"));
        assertEquals("line 2: sign without digits", failure("1\n-"));
        assertEquals("line 1: not an integer (unexpected '-')", failure("--1"));
        assertEquals("line 1: not an integer (unexpected '-')", failure("1-"));
        assertEquals("line 1: not an integer (unexpected byte 0xC3)", failure("\u00e9"));
        assertEquals("line 1: carriage return without a line feed at the end of the file", failure("1\r"));
        assertEquals("line 1: line longer than 20 characters", failure("000000000000000000001"));
        assertEquals("line 1: number out of range (-9223372036854775808 to 9223372036854775807)",
                failure("9223372036854775808"));
    }

    @Test
    void leadingZerosWithinTwentyCharactersAreFine() {
        assertEquals(7, parse("-0000000000000000007", 3).summary(0).max() * -1);
    }

    @Test
    void anEmptyInputHasNoSamples() {
        assertEquals(0, parse("", 1).count());
    }
}
