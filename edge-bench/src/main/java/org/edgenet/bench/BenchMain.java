package org.edgenet.bench;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.report.Report;
import org.edgenet.bench.report.ScenarioResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code scripts/bench.sh}: starts real servers, drives them, measures the baselines in the same
 * run, prints a summary and writes PERFORMANCE.md with its plots. Exits 1 when any scenario saw a
 * problem (a wrong log file, a failed request), 2 on bad arguments.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures EdgeNet against plain-socket baselines and writes PERFORMANCE.md.")
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--quick", description = "Every scenario at tiny sizes, one run each: seconds, not minutes.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where PERFORMANCE.md and plots/ go (default: docs for a full run of everything, "
                    + "else <work>/report).")
    Path out;

    @Option(names = "--only", split = ",", paramLabel = "SCENARIO",
            description = "Run only these: join, joinleave, ued, scs, uvf, mixed, messages, small, start, metrics, cluster.")
    List<String> only = new ArrayList<>();

    @Option(names = "--repeats", paramLabel = "N", description = "Runs per measurement (default: per scenario; 1 with --quick).")
    Integer repeats;

    @Option(names = "--work", paramLabel = "DIR", description = "Scratch space and the input file cache "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "${java.io.tmpdir}/edgenet-bench")
    Path work;

    @Option(names = "--jfr", paramLabel = "DIR", description = "Record each server with Java Flight Recorder into DIR.")
    Path jfr;

    @Option(names = "--keep", description = "Keep each server's directory (logs, data) under <work>/runs.")
    boolean keep;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "org/edgenet/bench/bench-logback.xml");
        }
        // Plots are drawn without a display, also on machines that have one.
        System.setProperty("java.awt.headless", "true");
        CommandLine cmd = new CommandLine(new BenchMain());
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("bench failed: " + e.getMessage());
            return 1;
        });
        System.exit(cmd.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String id : only) {
            if (!Bench.ids().contains(id)) {
                System.err.println("Unknown scenario: " + id + ". Choose from " + String.join(", ", Bench.ids()) + ".");
                return 2;
            }
        }
        Files.createDirectories(work);
        // Only a full run of everything replaces the committed docs/PERFORMANCE.md by default.
        Path outDir = out != null ? out : quick || !only.isEmpty() ? work.resolve("report") : Path.of("docs");
        Report report;
        try (BenchContext ctx = new BenchContext(quick, repeats, work, jfr, keep)) {
            report = Bench.run(ctx, only, System.out);
        }
        System.out.print(report.toText());
        Path md = report.write(outDir);
        System.out.println("Report: " + md.toAbsolutePath());
        boolean problems = report.results().stream().map(ScenarioResult::problems).anyMatch(p -> !p.isEmpty());
        return problems ? 1 : 0;
    }
}
