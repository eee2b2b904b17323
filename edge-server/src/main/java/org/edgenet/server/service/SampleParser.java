package org.edgenet.server.service;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/**
 * Validates a data file as it streams in, in pieces cut anywhere: one integer per line, an
 * optional sign, line feeds or CR LF between lines, and at most one line break after the last
 * line. The first bad line fails with {@link ErrorCode#INVALID_DATA} and its number.
 *
 * <p>Works on bytes with no allocation per line. A line longer than the longest {@code long}
 * (20 characters with its sign) is refused at its 21st character, so a huge line is never held.
 * Values are accumulated negatively, as {@link Long#parseLong} does, so that
 * {@link Long#MIN_VALUE} parses.
 */
public final class SampleParser {
    /** {@code -9223372036854775808} is the longest valid line. */
    public static final int MAX_LINE_LENGTH = 20;
    private static final long MULT_MIN = Long.MIN_VALUE / 10;

    private final SampleStats stats;
    private long line = 1;
    private int lineLength;
    private boolean negative;
    private boolean digits;
    private boolean carriageReturn;
    /** Minus the magnitude read so far. */
    private long value;

    public SampleParser(SampleStats stats) {
        this.stats = stats;
    }

    /** Reads {@code len} more bytes of the file. */
    public void feed(byte[] buf, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte b = buf[i];
            if (b >= '0' && b <= '9') {
                if (carriageReturn) {
                    fail("carriage return inside the line");
                }
                if (++lineLength > MAX_LINE_LENGTH) {
                    fail("line longer than " + MAX_LINE_LENGTH + " characters");
                }
                int digit = b - '0';
                long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
                if (value < MULT_MIN) {
                    outOfRange();
                }
                long shifted = value * 10;
                if (shifted < limit + digit) {
                    outOfRange();
                }
                value = shifted - digit;
                digits = true;
            } else if (b == '\n') {
                endLine();
            } else if (b == '\r' && !carriageReturn) {
                carriageReturn = true;
            } else if (carriageReturn) {
                fail("carriage return inside the line");
            } else if ((b == '-' || b == '+') && lineLength == 0) {
                negative = b == '-';
                lineLength = 1;
            } else {
                fail("not an integer (unexpected " + describe(b) + ")");
            }
        }
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
