package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Spread;

import java.util.List;

/**
 * Issue 15: what the server's Prometheus metrics cost. The mixed load ({@link MixedScenario}) runs
 * against a server with metrics off, then against one with {@code --metrics}, in pairs within one
 * run, and the ratio of their commands per second is the figure.
 */
public final class MetricsCostScenario implements Scenario.Measurement {
    public static final String ID = "metrics";
    public static final String TITLE = "10. Metrics cost (mixed load, metrics on vs off)";
    static final List<String> METRICS_ON = List.of("--metrics");

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        int pairs = ctx.repeats(2);
        Runs off = new Runs();
        Runs on = new Runs();
        Table t = result.table(new Table("Mixed load, commands per second", "pair", "metrics off", "metrics on",
                "on / off"));
        for (int p = 0; p < pairs; p++) {
            // Off first in one pair and on first in the next, so a machine that warms or gets busier evens out.
            boolean offFirst = p % 2 == 0;
            double first = rate(ctx, result, offFirst ? List.of() : METRICS_ON);
            double second = rate(ctx, result, offFirst ? METRICS_ON : List.of());
            double rateOff = offFirst ? first : second;
            double rateOn = offFirst ? second : first;
            off.add(rateOff);
            on.add(rateOn);
            t.row(p + 1, Spread.number(rateOff, 0), Spread.number(rateOn, 0), Spread.number(rateOn / rateOff, 3));
        }
        Spread ratio = on.ratioTo(off);
        result.ratio("mixed load with metrics on / off (commands per second)", ratio);
        result.figure("metrics.ratio", "mixed load: commands/s with metrics on / off", "", ratio);
        result.metric("metrics.ratio", ratio.median());
        result.summary("mixed load: commands/s, metrics on (off)", on.format(0), off.format(0), ratio.format(3));
        result.paragraph(String.format("The mixed load of section 6 (same devices, mix and duration), once against a "
                + "server with metrics off and once against one started with `--metrics`, %d pair(s), the order "
                + "swapped in every other pair. Nothing scrapes meanwhile: this is the cost of counting, which every "
                + "command pays; a scrape costs one event loop a few milliseconds, at most once a second. The goal "
                + "of issue 15 is a ratio of at least 0.95.", pairs));
    }

    /** One mixed run; its median commands per second over windows, its problems passed on. */
    private static double rate(BenchContext ctx, ScenarioResult result, List<String> serverOptions) throws Exception {
        ScenarioResult run = new ScenarioResult(MixedScenario.ID, "", "");
        new MixedScenario(serverOptions).measure(ctx, run);
        String label = serverOptions.isEmpty() ? "metrics off: " : "metrics on: ";
        run.problems().forEach(p -> result.problem(label + p));
        return run.figures().stream().filter(f -> f.key().equals("mixed.rate")).findFirst()
                .map(f -> f.value().median()).orElse(Double.NaN);
    }
}
