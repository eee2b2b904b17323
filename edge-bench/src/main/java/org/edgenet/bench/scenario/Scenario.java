package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.report.ScenarioResult;

/**
 * One measurement of the list, with its baselines, repeats and report section.
 *
 * @param id          the name {@code --only} takes, e.g. {@code join}
 * @param title       the heading of its report section, numbered as in the list
 * @param measurement the work itself
 */
public record Scenario(String id, String title, Measurement measurement) {
    /** What a scenario measures: its tables, figures and problems go into the result it is given. */
    @FunctionalInterface
    public interface Measurement {
        void measure(BenchContext ctx, ScenarioResult result) throws Exception;
    }

    /** An empty result for this scenario, headed with its title and the command that reproduces it alone. */
    public ScenarioResult newResult(BenchContext ctx) {
        return new ScenarioResult(id, title, "scripts/bench.sh " + (ctx.quick() ? "--quick " : "") + "--only " + id);
    }
}
