package org.edgenet.bench.scenario;

import org.edgenet.bench.stats.Spread;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-run values of one measurement, collected across repeats and summarised as a {@link Spread}. */
final class Runs {
    private final List<Double> values = new ArrayList<>();

    void add(double v) {
        values.add(v);
    }

    Spread spread() {
        return Spread.of(values);
    }

    String format(int decimals) {
        return spread().format(decimals);
    }

    /** Per-run ratios of this over {@code baseline}, paired by run. */
    Spread ratioTo(Runs baseline) {
        int n = Math.min(values.size(), baseline.values.size());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = values.get(i) / baseline.values.get(i);
        }
        return Spread.of(r);
    }

    /** Megabytes with one decimal, without a trailing ".0": 100 MB, 10.9 MB. */
    static String mb(long bytes) {
        String s = String.format(Locale.ROOT, "%,.1f", bytes / 1e6);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** 1,000 as "1k", 1,000,000 as "1M": how the issue names sizes. */
    static String size(long n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1_000 && n % 1_000 == 0) {
            return n / 1_000 + "k";
        }
        return Long.toString(n);
    }
}
