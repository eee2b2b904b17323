package org.edgenet.server.service;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/**
 * The sample parser as it was before its fast path took eight bytes per step: one test per byte.
 * Kept unchanged as the reference that {@link SampleParserTest} compares {@link SampleParser}
 * with, on random and hostile input, error texts and line numbers included.
 */
final class ReferenceSampleParser {
    /** {@code -9223372036854775808} is the longest valid line. */
    public static final int MAX_LINE_LENGTH = 20;
    private static final int SAFE_LENGTH = 18;
    /** 18 digits stay below 10^18, far from either end of the {@code long} range. */
    private static final int SAFE_DIGITS = 18;
    private static final long MULT_MIN = Long.MIN_VALUE / 10;

    private final SampleStats stats;
    private long line = 1;
    private int lineLength;
    private boolean negative;
    private boolean digits;
    private boolean carriageReturn;
    /** Minus the magnitude read so far. */
    private long value;

    ReferenceSampleParser(SampleStats stats) {
        this.stats = stats;
    }

    /** Reads {@code len} more bytes of the file. */
    public void feed(byte[] buf, int off, int len) {
        // The state lives in locals inside the loop so the JIT keeps it in registers.
        int end = off + len;
        int length = lineLength;
        boolean neg = negative;
        boolean seenDigit = digits;
        boolean cr = carriageReturn;
        long v = value;
        try {
            for (int i = off; i < end; i++) {
                if (length == 0 && !cr) {
                    i = fastLines(buf, i, end);
                    if (i == end) {
                        break;
                    }
                }
                byte b = buf[i];
                int digit = b - '0';
                if (digit >= 0 && digit <= 9 && !cr) {
                    // Eighteen characters hold at most 18 digits, which cannot overflow: no checks.
                    if (++length > SAFE_LENGTH) {
                        if (length > MAX_LINE_LENGTH) {
                            fail("line longer than " + MAX_LINE_LENGTH + " characters");
                        }
                        long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
                        if (v < MULT_MIN || v * 10 < limit + digit) {
                            outOfRange();
                        }
                    }
                    v = v * 10 - digit;
                    seenDigit = true;
                } else if (b == '\n') {
                    if (length == 0) {
                        fail("empty line");
                    }
                    if (!seenDigit) {
                        fail("sign without digits");
                    }
                    stats.add(neg ? v : -v);
                    line++;
                    length = 0;
                    neg = false;
                    seenDigit = false;
                    cr = false;
                    v = 0;
                } else if (b == '\r' && !cr) {
                    cr = true;
                } else if (cr) {
                    fail("carriage return inside the line");
                } else if ((b == '-' || b == '+') && length == 0) {
                    neg = b == '-';
                    length = 1;
                } else {
                    fail("not an integer (unexpected " + describe(b) + ")");
                }
            }
        } finally {
            lineLength = length;
            negative = neg;
            digits = seenDigit;
            carriageReturn = cr;
            value = v;
        }
    }

    /**
     * Reads whole lines from {@code start} for as long as each is an optional '-', 1 to 18 digits
     * and a line feed, all before {@code end}, adding their values. Returns the index of the first
     * line it did not read (or {@code end}); that line is untouched, so the state machine reads it.
     */
    private int fastLines(byte[] buf, int start, int end) {
        int lineStart = start;
        long lines = 0;
        while (lineStart < end) {
            int i = lineStart;
            boolean neg = buf[i] == '-';
            if (neg) {
                i++;
            }
            int firstDigit = i;
            int stop = Math.min(end, firstDigit + SAFE_DIGITS);
            long v = 0;
            while (i < stop) {
                int digit = buf[i] - '0';
                if (digit < 0 || digit > 9) {
                    break;
                }
                v = v * 10 + digit;
                i++;
            }
            if (i == firstDigit || i >= end || buf[i] != '\n') {
                break;
            }
            stats.add(neg ? -v : v);
            lines++;
            lineStart = i + 1;
        }
        line += lines;
        return lineStart;
    }

    /** The file ended: checks the last line, which may lack a line break. */
    public void finish() {
        if (carriageReturn) {
            fail("carriage return without a line feed at the end of the file");
        }
        if (lineLength > 0) {
            endLine();
        }
    }

    /** Number of the line being read (1-based). */
    public long line() {
        return line;
    }

    private void endLine() {
        if (lineLength == 0) {
            fail("empty line");
        }
        if (!digits) {
            fail("sign without digits");
        }
        stats.add(negative ? value : -value);
        line++;
        lineLength = 0;
        negative = false;
        digits = false;
        carriageReturn = false;
        value = 0;
    }

    private void outOfRange() {
        fail("number out of range (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")");
    }

    private void fail(String reason) {
        throw new ProtocolException(ErrorCode.INVALID_DATA, "line " + line + ": " + reason);
    }

    private static String describe(byte b) {
        if (b > ' ' && b < 127) {
            return "'" + (char) b + "'";
        }
        if (b == ' ') {
            return "space";
        }
        if (b == '\t') {
            return "tab";
        }
        return String.format("byte 0x%02X", b & 0xFF);
    }
}
