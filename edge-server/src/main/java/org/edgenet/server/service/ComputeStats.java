package org.edgenet.server.service;

import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Operation;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * What SCS computes from: the statistics of a stored file, gathered while it was uploaded and kept
 * beside it in a {@code .stats} sidecar. {@link #compute} answers SUM, AVERAGE, MAX and MIN.
 *
 * @param count samples in the file
 * @param sum   exact sum (0 for an empty file)
 * @param min   smallest sample; meaningless when count is 0
 * @param max   largest sample; meaningless when count is 0
 * @param bytes size of the data file, to tell a stale summary from a current one
 */
public record ComputeStats(long count, BigInteger sum, long min, long max, long bytes) {
    /** Decimal places an average is rounded to when it does not terminate sooner. */
    public static final int AVERAGE_SCALE = 6;

    /**
     * The result of {@code op} as exact decimal text. SUM of an empty file is 0; the other
     * operations have no answer for it.
     */
    public String compute(Operation op, FileId fileId) {
        if (op == Operation.SUM) {
            return sum.toString();
        }
        if (count == 0) {
            throw new ProtocolException(ErrorCode.EMPTY_FILE,
                    "file " + fileId + " has no data, so it has no " + op.name().toLowerCase(java.util.Locale.ROOT));
        }
        return switch (op) {
            case AVERAGE -> average();
            case MAX -> Long.toString(max);
            case MIN -> Long.toString(min);
            case SUM -> sum.toString();
        };
    }

    /** Exact when it terminates within 6 places, else rounded half-even; no trailing zeros. */
    private String average() {
        BigDecimal avg = new BigDecimal(sum).divide(BigDecimal.valueOf(count), AVERAGE_SCALE, RoundingMode.HALF_EVEN);
        return avg.stripTrailingZeros().toPlainString();
    }

    /** The sidecar form: one line of five numbers. */
    public String toText() {
        return count + " " + sum + " " + min + " " + max + " " + bytes + "\n";
    }

    /** Reads {@link #toText()} back; null when the text is not a summary. */
    public static ComputeStats parse(String text) {
        String[] f = text.trim().split(" ");
        if (f.length != 5) {
            return null;
        }
        try {
            return new ComputeStats(Long.parseLong(f[0]), new BigInteger(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
