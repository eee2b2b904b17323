package org.edgenet.bench;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.MachineInfo;
import org.edgenet.bench.report.Report;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.scenario.ClusterScenario;
import org.edgenet.bench.scenario.ComputeScenario;
import org.edgenet.bench.scenario.DeviceStartScenario;
import org.edgenet.bench.scenario.JoinLeaveScenario;
import org.edgenet.bench.scenario.JoinScenario;
import org.edgenet.bench.scenario.MessagesScenario;
import org.edgenet.bench.scenario.MetricsCostScenario;
import org.edgenet.bench.scenario.MixedScenario;
import org.edgenet.bench.scenario.PeerTransferScenario;
import org.edgenet.bench.scenario.Scenario;
import org.edgenet.bench.scenario.SmallCommandsScenario;
import org.edgenet.bench.scenario.UploadScenario;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the chosen scenarios in the order and builds the report. A scenario that throws is
 * recorded as a problem and the others still run, so one broken feature does not hide the rest.
 */
public final class Bench {
    private Bench() {
    }

    /** Every scenario, in the order of the list. */
    public static List<Scenario> all() {
        return List.of(new Scenario(JoinScenario.ID, "1. Joined devices", new JoinScenario()),
                new Scenario(JoinLeaveScenario.ID, "2. Join/leave rate", new JoinLeaveScenario()),
                new Scenario(UploadScenario.ID, "3. UED throughput", new UploadScenario()),
                new Scenario(ComputeScenario.ID, "4. SCS latency", new ComputeScenario()),
                new Scenario(PeerTransferScenario.ID, "5. UVF goodput under loss", new PeerTransferScenario()),
                new Scenario(MixedScenario.ID, "6. Mixed load", new MixedScenario()),
                new Scenario(MessagesScenario.ID, "7. Device messages (MSG, RDM)", new MessagesScenario()),
                new Scenario(SmallCommandsScenario.ID, SmallCommandsScenario.TITLE, new SmallCommandsScenario()),
                new Scenario(DeviceStartScenario.ID, DeviceStartScenario.TITLE, new DeviceStartScenario()),
                new Scenario(MetricsCostScenario.ID, MetricsCostScenario.TITLE, new MetricsCostScenario()),
                new Scenario(ClusterScenario.ID, ClusterScenario.TITLE, new ClusterScenario()));
    }

    public static List<String> ids() {
        return all().stream().map(Scenario::id).toList();
    }

    /** Runs the scenarios named in {@code only} (all when empty), printing progress to {@code out}. */
    public static Report run(BenchContext ctx, Collection<String> only, PrintStream out) {
        Set<String> wanted = Set.copyOf(only);
        // Read before the run: the date and load average describe the conditions the run started in.
        MachineInfo machine = MachineInfo.read();
        List<ScenarioResult> results = new ArrayList<>();
        long start = System.nanoTime();
        for (Scenario s : all()) {
            if (!wanted.isEmpty() && !wanted.contains(s.id())) {
                continue;
            }
            out.printf("[%s] running ...%n", s.id());
            long t0 = System.nanoTime();
            ScenarioResult r = s.newResult(ctx);
            try {
                s.measurement().measure(ctx, r);
            } catch (Exception | AssertionError e) {
                // What it measured before it stopped is not to be trusted: only the problem is reported.
                r = s.newResult(ctx);
                r.problem("the scenario stopped: " + describe(e));
            }
            r.seconds((System.nanoTime() - t0) / 1e9);
            out.printf(Locale.ROOT, "[%s] done in %.1f s%s%n", s.id(), r.seconds(),
                    r.problems().isEmpty() ? "" : ", " + r.problems().size() + " problem(s)");
            results.add(r);
        }
        double total = (System.nanoTime() - start) / 1e9;
        return new Report(machine, ctx.quick() ? "quick" : "full",
                String.join(" ", BenchContext.SERVER_JVM), results, total);
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
