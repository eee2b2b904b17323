package org.edgenet.bench.stats;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The median of repeated runs of one measurement, with the smallest and largest run. Machines here
 * are shared, so a single run says little; the spread says how much to trust the median.
 */
public record Spread(double median, double min, double max, int runs) {
    public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    public static Spread of(double... values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return NONE;
        }
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1], n);
    }

    public static Spread of(Collection<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public boolean isEmpty() {
        return runs == 0;
    }

    /** {@code 12.3 (11.9–13.0)}: the median, then the range when there was more than one run. */
    public String format(int decimals) {
        if (isEmpty()) {
            return "n/a";
        }
        String m = number(median, decimals);
        if (runs < 2) {
            return m;
        }
        return m + " (" + number(min, decimals) + "–" + number(max, decimals) + ")";
    }

    /** A number with thousands separators and {@code decimals} places. */
    public static String number(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
