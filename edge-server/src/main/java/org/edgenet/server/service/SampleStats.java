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
