package org.edgenet.server.service;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** The error text for {@code text}, checked to be the same at every chunk size. */
    private static String failure(String text) {
        String expected = failureAt(text, 1);
        for (int chunk = 2; chunk <= text.length() + 1; chunk++) {
            assertEquals(expected, failureAt(text, chunk), "chunk size " + chunk + " of " + text);
        }
        return expected;
    }

    private static String failureAt(String text, int chunk) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> parse(text, chunk), text);
        assertEquals(ErrorCode.INVALID_DATA, e.code());
        return e.getMessage();
    }

    /** The outcome of a whole parse as text: its summary, or the error it stopped with. */
    private static String outcome(String text, int chunk) {
        try {
            return parse(text, chunk).summary(0).toString();
        } catch (ProtocolException e) {
            return e.code() + " " + e.getMessage();
        }
    }

    /**
     * One valid line, drawn to hit every path: short values (the common case), each length up to
     * 20 characters, the ends of the range, '+' and '-', and leading zeros.
     */
    private static String validLine(SplittableRandom r) {
        switch (r.nextInt(8)) {
            case 0:
                return Long.toString(Long.MIN_VALUE);
            case 1:
                return (r.nextBoolean() ? "+" : "") + Long.MAX_VALUE;
            case 2: {
                // 1 to 19 digits, so 18-digit (fast) and 19-digit (checked) lines both occur.
                int digits = 1 + r.nextInt(19);
                StringBuilder b = new StringBuilder();
                b.append((char) ('1' + r.nextInt(9)));
                while (b.length() < digits) {
                    b.append((char) ('0' + r.nextInt(10)));
                }
                String sign = new String[] {"", "-", "+"}[r.nextInt(3)];
                return digits == 19 && b.compareTo(new StringBuilder("9223372036854775807")) > 0
                        ? sign + b.substring(1) : sign + b;
            }
            case 3:
                return "0".repeat(1 + r.nextInt(19)) + r.nextInt(10);
            case 4:
                return "-" + "0".repeat(r.nextInt(18)) + r.nextInt(10);
            default:
                return Long.toString(r.nextInt(1_000_000_000) - (r.nextBoolean() ? 0 : 500_000_000L));
        }
    }

    private static String randomFile(SplittableRandom r, int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            String value = validLine(r);
            text.append(value.length() > SampleParser.MAX_LINE_LENGTH ? "1" : value);
            if (i < lines - 1 || r.nextBoolean()) {
                text.append(r.nextInt(4) == 0 ? "\r\n" : "\n");
            }
        }
        return text.toString();
    }

    /** The sum and count by the JDK's own parser, independent of the parser under test. */
    private static void assertMatchesJdk(String text, ComputeStats actual) {
        BigInteger sum = BigInteger.ZERO;
        long count = 0;
        for (String line : text.split("\r?\n")) {
            if (!line.isEmpty()) {
                sum = sum.add(BigInteger.valueOf(Long.parseLong(line)));
                count++;
            }
        }
        assertEquals(count, actual.count(), "count of " + text);
        assertEquals(sum, actual.sum(), "sum of " + text);
    }

    @Test
    void randomValidFilesGiveTheSameSummaryAtEveryChunkSize() {
        SplittableRandom r = new SplittableRandom(9331);
        for (int file = 0; file < 60; file++) {
            String text = randomFile(r, 1 + r.nextInt(30));
            // Chunk size 1 never holds a whole line, so it is read by the state machine alone.
            String reference = outcome(text, 1);
            assertMatchesJdk(text, parse(text, 1).summary(0));
            for (int chunk = 2; chunk <= text.length() + 1; chunk++) {
                assertEquals(reference, outcome(text, chunk), "chunk size " + chunk + " of " + text);
            }
        }
    }

    @Test
    void randomBadLinesGiveTheSameErrorAtEveryChunkSize() {
        String[] bad = {"", "-", "+", "1x", "x", " 5", "5 ", "1.5", "--1", "+-1", "1-", "12\r3", "\r",
                "9223372036854775808", "-9223372036854775809", "99999999999999999999", "000000000000000000001",
                "1234567890123456789012", "\u00e9", "\t7"};
        SplittableRandom r = new SplittableRandom(4100);
        for (int file = 0; file < 200; file++) {
            int lines = 1 + r.nextInt(12);
            int badLine = 1 + r.nextInt(lines);
            StringBuilder text = new StringBuilder();
            for (int i = 1; i <= lines; i++) {
                text.append(i == badLine ? bad[r.nextInt(bad.length)] : validLine(r)).append('\n');
            }
            String reference = outcome(text.toString(), 1);
            assertTrue(reference.startsWith("INVALID_DATA line " + badLine + ": "), reference + " for " + text);
            for (int chunk = 2; chunk <= text.length() + 1; chunk++) {
                assertEquals(reference, outcome(text.toString(), chunk), "chunk size " + chunk + " of " + text);
            }
        }
    }

    @Test
    void eighteenNineteenAndTwentyCharacterLinesAtEveryChunkSize() {
        String text = "999999999999999999\n-999999999999999999\n1000000000000000000\n"
                + "-1000000000000000000\n9223372036854775807\n-9223372036854775808\n+922337203685477580\n"
                + "-000000000000000001\n0000000000000000000\n";
        String reference = outcome(text, 1);
        assertMatchesJdk(text, parse(text, 1).summary(0));
        for (int chunk = 2; chunk <= text.length() + 1; chunk++) {
            assertEquals(reference, outcome(text, chunk), "chunk size " + chunk);
        }
    }

    @Test
    void everyChunkSizeGivesTheSameResult() {
        String text = "123\n-45\n+6\n9223372036854775807\n-9223372036854775808\n0\n";
        ComputeStats expected = parse(text, text.length()).summary(0);
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

    // The eight-byte fast path against the parser as it was (ReferenceSampleParser)

    /** Summary, line reached and error text of one parse, fed in pieces of random sizes from {@code r}. */
    private static String outcomeOf(boolean reference, byte[] b, long seed) {
        SampleStats stats = new SampleStats();
        SampleParser fast = reference ? null : new SampleParser(stats);
        ReferenceSampleParser old = reference ? new ReferenceSampleParser(stats) : null;
        SplittableRandom pieces = new SplittableRandom(seed);
        try {
            for (int i = 0; i < b.length; ) {
                // Mostly large pieces, where the fast path runs, sometimes tiny ones that cut lines.
                int n = Math.min(b.length - i, pieces.nextInt(4) == 0 ? 1 + pieces.nextInt(12) : 1 + pieces.nextInt(4096));
                if (reference) {
                    old.feed(b, i, n);
                } else {
                    fast.feed(b, i, n);
                }
                i += n;
            }
            if (reference) {
                old.finish();
            } else {
                fast.finish();
            }
            return stats.summary(b.length) + " at line " + (reference ? old.line() : fast.line());
        } catch (ProtocolException e) {
            return e.code() + " " + e.getMessage() + " at line " + (reference ? old.line() : fast.line());
        }
    }

    private static void assertSameAsReference(byte[] b, long seed) {
        assertEquals(outcomeOf(true, b, seed), outcomeOf(false, b, seed),
                () -> "input " + new String(b, StandardCharsets.ISO_8859_1).replace("\n", "\\n").replace("\r", "\\r"));
    }

    @Test
    void theFastPathAgreesWithTheReferenceOnRandomValidFiles() {
        SplittableRandom r = new SplittableRandom(20261130);
        for (int file = 0; file < 400; file++) {
            byte[] b = randomFile(r, 1 + r.nextInt(600)).getBytes(StandardCharsets.US_ASCII);
            assertSameAsReference(b, r.nextLong());
        }
    }

    /** Lines of every length from 1 to 21 digits, signed or not, so each length meets every 8-byte boundary. */
    @Test
    void theFastPathAgreesWithTheReferenceOnEveryLineLength() {
        SplittableRandom r = new SplittableRandom(77);
        for (int file = 0; file < 200; file++) {
            StringBuilder text = new StringBuilder();
            for (int line = 0; line < 50; line++) {
                int digits = 1 + r.nextInt(21);
                text.append(new String[] {"", "-", "-", "+"}[r.nextInt(4)]);
                for (int d = 0; d < digits; d++) {
                    text.append((char) ('0' + r.nextInt(10)));
                }
                text.append('\n');
            }
            assertSameAsReference(text.toString().getBytes(StandardCharsets.US_ASCII), r.nextLong());
        }
    }

    /**
     * Hostile input: digits mixed with the bytes next to them ('/' and ':'), digits with their top
     * bit set, signs, spaces, CR, NUL and high bytes, in runs long enough to cross 8-byte words.
     */
    @Test
    void theFastPathAgreesWithTheReferenceOnHostileBytes() {
        byte[] alphabet = {'0', '1', '5', '9', '/', ':', '-', '+', '\n', '\n', '\r', ' ', 0, (byte) 0xB0,
                (byte) 0xB9, (byte) 0x80, (byte) 0xFF, 0x7F, 'a', 0x10};
        SplittableRandom r = new SplittableRandom(4242);
        for (int file = 0; file < 3000; file++) {
            byte[] b = new byte[r.nextInt(200)];
            // Mostly digits and line feeds, so that parses get far before the first bad byte.
            for (int i = 0; i < b.length; i++) {
                int pick = r.nextInt(10);
                b[i] = pick < 6 ? (byte) ('0' + r.nextInt(10)) : pick < 8 ? (byte) '\n' : alphabet[r.nextInt(alphabet.length)];
            }
            assertSameAsReference(b, r.nextLong());
        }
    }

    @Test
    void everyByteValueInEveryPositionOfAWordIsTestedAsADigitOrNot() {
        for (int pos = 0; pos < 8; pos++) {
            for (int v = 0; v < 256; v++) {
                byte[] word = "12345678".getBytes(StandardCharsets.US_ASCII);
                word[pos] = (byte) v;
                long w = 0;
                for (int i = 7; i >= 0; i--) {
                    w = (w << 8) | (word[i] & 0xFF);
                }
                int expected = v >= '0' && v <= '9' ? 8 : pos;
                assertEquals(expected, SampleParser.leadingDigits(w), "byte " + v + " at " + pos);
            }
        }
    }

    @Test
    void eightDigitWordsOfEveryLengthHaveTheirDecimalValue() {
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < 20000; i++) {
            int n = 1 + r.nextInt(8);
            StringBuilder digits = new StringBuilder();
            for (int d = 0; d < n; d++) {
                digits.append((char) ('0' + r.nextInt(10)));
            }
            // Whatever follows the digits in the word must not matter.
            byte[] word = (digits + "\n" + "x".repeat(8)).substring(0, 8).getBytes(StandardCharsets.ISO_8859_1);
            word[Math.min(n, 7)] = n < 8 ? (byte) r.nextInt(256) : word[7];
            long w = 0;
            for (int k = 7; k >= 0; k--) {
                w = (w << 8) | (word[k] & 0xFF);
            }
            assertEquals(Long.parseLong(digits.toString()), SampleParser.digitsOf(w, n), digits.toString());
        }
    }
}
