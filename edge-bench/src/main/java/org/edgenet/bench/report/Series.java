package org.edgenet.bench.report;

import org.edgenet.bench.stats.Spread;

import java.util.List;

/** One line of a chart: a median per x value, drawn with a whisker from its run minimum to maximum. */
public record Series(String name, List<Double> x, List<Spread> y) {
    public Series {
        if (x.size() != y.size()) {
            throw new IllegalArgumentException(name + ": " + x.size() + " x values for " + y.size() + " y values");
        }
        x = List.copyOf(x);
        y = List.copyOf(y);
    }
}
