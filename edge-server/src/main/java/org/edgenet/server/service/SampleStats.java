package org.edgenet.server.service;

import java.math.BigInteger;

/**
 * Count, exact sum, minimum and maximum of the samples seen so far. The sum is a 128-bit two's
 * complement integer kept in two longs: more than 2^64 samples would be needed to overflow it, so
 * it is exact for any file while costing a few instructions per sample.
 */
public final class SampleStats {
    private long count;
    private long sumHigh;
    private long sumLow;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    public void add(long value) {
        long low = sumLow + value;
        // Unsigned carry out of the low word, plus the sign extension of value into the high word.
        sumHigh += (value >> 63) + (Long.compareUnsigned(low, sumLow) < 0 ? 1 : 0);
        sumLow = low;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
        count++;
    }

    /**
     * Adds {@code n} samples summed elsewhere: their sum as a 128-bit two's complement integer
     * ({@code high}, {@code low}), their smallest and their largest.
     */
    void addAll(long n, long high, long low, long smallest, long largest) {
        long sum = sumLow + low;
        sumHigh += high + (Long.compareUnsigned(sum, sumLow) < 0 ? 1 : 0);
        sumLow = sum;
        min = Math.min(min, smallest);
        max = Math.max(max, largest);
        count += n;
    }

    public ComputeStats summary(long bytes) {
        return new ComputeStats(count, sum(), min, max, bytes);
    }

    public long count() {
        return count;
    }

    public BigInteger sum() {
        BigInteger low = new BigInteger(Long.toUnsignedString(sumLow));
        return BigInteger.valueOf(sumHigh).shiftLeft(64).add(low);
    }
}
