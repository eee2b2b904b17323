package org.edgenet.server.service;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Validates a data file as it streams in, in pieces cut anywhere: one integer per line, an
 * optional sign, line feeds or CR LF between lines, and at most one line break after the last
 * line. The first bad line fails with {@link ErrorCode#INVALID_DATA} and its number.
 *
 * <p>Works on bytes with no allocation per line. A line longer than the longest {@code long}
 * (20 characters with its sign) is refused at its 21st character, so a huge line is never held.
 * Values are accumulated negatively, as {@link Long#parseLong} does, so that
 * {@link Long#MIN_VALUE} parses.
 *
 * <p>Almost every line of a real file is short, has no '+', ends in a bare line feed and lies
 * wholly inside one piece. Such lines are read by a fast path that finds line feeds and digits
 * eight bytes at a time; anything else (a sign other than '-', CR LF, 19 or more digits, a bad
 * byte, a line cut by the end of the piece) is read again from its first byte by the general state
 * machine below, which alone decides errors and their texts.
 */
public final class SampleParser {
    /** {@code -9223372036854775808} is the longest valid line. */
    public static final int MAX_LINE_LENGTH = 20;
    private static final int SAFE_LENGTH = 18;
    /** 18 digits stay below 10^18, far from either end of the {@code long} range. */
    private static final int SAFE_DIGITS = 18;
    private static final long MULT_MIN = Long.MIN_VALUE / 10;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

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
     *
     * <p>The line feeds are found eight bytes at a time, as a mask over a little-endian
     * {@code long} ({@link #lineFeeds}), apart from the digits: where a line ends does not wait for
     * the line before it to be parsed, so the processor works on several lines at once. A line of
     * up to 15 digits is then read as one or two words: one test per word that its bytes are
     * digits ({@link #leadingDigits}) and three multiplications for their value
     * ({@link #digitsOf}). The lines are summed in locals, kept in registers, and added to the
     * stats once. Longer lines and those among the last bytes of the piece are read a byte at a
     * time ({@link #byteLine}).
     */
    private int fastLines(byte[] buf, int start, int end) {
        long lines = 0;
        long sumHigh = 0;
        long sumLow = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int lineStart = start;
        int w = start;
        scan:
        for (; w + Long.BYTES <= end; w += Long.BYTES) {
            for (long feeds = lineFeeds((long) LONGS.get(buf, w)); feeds != 0; feeds &= feeds - 1) {
                int feed = w + (Long.numberOfTrailingZeros(feeds) >>> 3);
                long v = -1;
                boolean neg = false;
                if (lineStart + 2 * Long.BYTES + 1 <= end) {
                    int s = lineStart;
                    long word = (long) LONGS.get(buf, s);
                    neg = (word & 0xFF) == '-';
                    if (neg) {
                        s++;
                        word = (long) LONGS.get(buf, s);
                    }
                    int digits = feed - s;
                    if (digits <= Long.BYTES) {
                        if (digits > 0 && leadingDigits(word) >= digits) {
                            v = digitsOf(word, digits);
                        }
                    } else if (digits < 2 * Long.BYTES) {
                        long next = (long) LONGS.get(buf, s + Long.BYTES);
                        int rest = digits - Long.BYTES;
                        if (leadingDigits(word) == Long.BYTES && leadingDigits(next) >= rest) {
                            v = digitsOf(word, Long.BYTES) * POWERS_OF_TEN[rest] + digitsOf(next, rest);
                        }
                    }
                }
                if (v >= 0) {
                    long value = neg ? -v : v;
                    long low = sumLow + value;
                    sumHigh += (value >> 63) + (Long.compareUnsigned(low, sumLow) < 0 ? 1 : 0);
                    sumLow = low;
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                    lines++;
                    lineStart = feed + 1;
                } else {
                    // A line of 16 to 18 digits, one near the end of the piece, or one to leave alone.
                    int next = byteLine(buf, lineStart, end);
                    if (next < 0) {
                        break scan;
                    }
                    lineStart = next;
                }
            }
            if (w - lineStart > MAX_LINE_LENGTH) {
                // No line feed for longer than a valid line: the state machine says what is wrong.
                break;
            }
        }
        if (w + Long.BYTES > end) {
            // The last few bytes, fewer than a word: what whole lines they end.
            for (int next; (next = byteLine(buf, lineStart, end)) >= 0; ) {
                lineStart = next;
            }
        }
        if (lines > 0) {
            stats.addAll(lines, sumHigh, sumLow, min, max);
            line += lines;
        }
        return lineStart;
    }

    /**
     * The bytes of {@code word} that are line feeds, as the top bit of each (0x80 in its byte).
     * Exact for every byte: each is compared on its seven low bits, so no borrow or carry crosses
     * from one byte into the next.
     */
    static long lineFeeds(long word) {
        long x = word ^ 0x0A0A0A0A0A0A0A0AL;
        long low = (x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL;
        return ~(low | x | 0x7F7F7F7F7F7F7F7FL);
    }

    /**
     * One line as {@link #fastLines} takes it, read a byte at a time: a line of 16 to 18 digits,
     * or one of the last few of the piece. Returns the index after it, or -1 when it is not such a
     * line or not wholly in the piece.
     */
    private int byteLine(byte[] buf, int start, int end) {
        if (start >= end) {
            return -1;
        }
        int i = start;
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
            return -1;
        }
        stats.add(neg ? -v : v);
        line++;
        return i + 1;
    }

    /**
     * How many of the eight bytes of {@code word}, from its lowest (the first in the file), are
     * ASCII digits before the first byte that is not. Each byte is tested on its own seven low
     * bits, so no carry crosses from one byte to the next; a byte with its top bit set is not a
     * digit.
     */
    static int leadingDigits(long word) {
        long low = word & 0x7F7F7F7F7F7F7F7FL;
        long atLeastZero = low + 0x5050505050505050L;  // top bit set where the byte is >= '0' (0x30)
        long aboveNine = low + 0x4646464646464646L;    // top bit set where the byte is >= ':' (0x3A)
        long digit = atLeastZero & ~aboveNine & ~word & 0x8080808080808080L;
        return Long.numberOfTrailingZeros(~digit & 0x8080808080808080L) >>> 3;
    }

    /**
     * The value of the first {@code n} (1 to 8) bytes of {@code word}, all ASCII digits, the first
     * byte the most significant. They are shifted to the top of the word, so the bytes below are
     * zeros, that is leading zeros of an eight-digit number, and then pairs, fours and the eight
     * are combined with one multiplication each.
     */
    static long digitsOf(long word, int n) {
        long d = (word << ((Long.BYTES - n) << 3)) & 0x0F0F0F0F0F0F0F0FL;
        d = (d * 10 + (d >>> 8)) & 0x00FF00FF00FF00FFL;
        d = (d * 100 + (d >>> 16)) & 0x0000FFFF0000FFFFL;
        return (d * 10000 + (d >>> 32)) & 0xFFFFFFFFL;
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
