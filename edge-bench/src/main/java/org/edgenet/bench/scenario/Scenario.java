package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.report.ScenarioResult;

/** One measurement of the list, with its baselines, repeats and report section. */
public interface Scenario {
    /** The name {@code --only} takes, e.g. {@code join}. */
    String id();

    ScenarioResult run(BenchContext ctx) throws Exception;

    /** The exact command that reproduces this scenario alone. */
    static String command(String id, BenchContext ctx) {
        return "scripts/bench.sh " + (ctx.quick() ? "--quick " : "") + "--only " + id;
    }
}
