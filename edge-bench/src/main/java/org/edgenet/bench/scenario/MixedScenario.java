package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.DataFiles;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.ThrottledTasks;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Latencies;
import org.edgenet.bench.stats.Spread;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue item 6: 200 joined devices each issue a random mix of commands, one after another with no
 * pause, for 60 s. Commands per second overall (median over 10 s windows, with their spread) and
 * the latency of each command.
 */
public final class MixedScenario implements Scenario.Measurement {
    public static final String ID = "mixed";
    /** Samples in each UED of the mix: a small sensor file. */
    private static final long UPLOAD_SAMPLES = 1_000;
    /** File IDs each device rotates through, so SCS and DTE find files and uploads replace them. */
    static final int FILE_IDS = 3;

    /** Added to the server's command line: how {@link MetricsCostScenario} turns metrics on. */
    private final List<String> serverOptions;

    public MixedScenario() {
        this(List.of());
    }

    MixedScenario(List<String> serverOptions) {
        this.serverOptions = List.copyOf(serverOptions);
    }

    /** The commands of the mix, with their weights in percent. */
    enum Command {
        AED(25), UED(20), SCS(25), DTE(10), LOOKUP(20);

        final int weight;

        Command(int weight) {
            this.weight = weight;
        }

        static Command pick(SplittableRandom random) {
            int r = random.nextInt(100);
            for (Command c : values()) {
                r -= c.weight;
                if (r < 0) {
                    return c;
                }
            }
            return AED;
        }

        String label() {
            return this == LOOKUP ? "UVF lookup" : name();
        }
    }

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        int devices = ctx.pick(10, 200);
        long millis = ctx.pick(2_000L, 60_000L);
        long window = ctx.pick(500L, 10_000L);
        DataFiles.Samples file = ctx.data().samples(UPLOAD_SAMPLES);
        Map<Command, Latencies> latencies = new EnumMap<>(Command.class);
        Map<Command, AtomicLong> errors = new EnumMap<>(Command.class);
        for (Command c : Command.values()) {
            latencies.put(c, new Latencies());
            errors.put(c, new AtomicLong());
        }
        // Throughput per window rather than one total: the spread of windows shows warm-up and noise.
        int windows = (int) (millis / window);
        AtomicLongArray perWindow = new AtomicLongArray(windows + 1);
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong uploads = new AtomicLong();
        AtomicLong deletes = new AtomicLong();
        try (Workspace ws = ctx.workspace(ID, devices);
             ServerProcess server = ctx.startServer(ws, ID, serverOptions)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            List<String> names = ws.devices();
            // Joining is not measured here; it only has to finish before the clock starts.
            ThrottledTasks.Outcome<Device> joined = ThrottledTasks.run(devices, 100, i -> Device.join(ctx.group(),
                    address, names.get(i), Workspace.password(names.get(i)), 30_000 + i)).get(120, TimeUnit.SECONDS);
            if (!joined.failures().isEmpty()) {
                result.problem(joined.failures().size() + " of " + devices + " devices could not join: "
                        + Device.describe(joined.failures().get(0)));
                joined.results().forEach(d -> {
                    if (d != null) {
                        d.drop();
                    }
                });
                return;
            }
            long start = System.nanoTime();
            long end = start + millis * 1_000_000;
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                loops.add(done);
                MixedLoop loop = new MixedLoop(joined.results().get(i), names, file.file(), new SplittableRandom(i),
                        start, end, window, latencies, errors, perWindow, firstError, uploads, deletes, done);
                loop.next();
            }
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(millis + 120_000, TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            // Dropping (not OUT) is the cheapest way out; the server must cope with it anyway (R-LOG-3).
            for (Device d : joined.results()) {
                d.drop();
            }
            boolean uploadLogRight = checkLog(ws.dir().resolve("upload-log.txt"), uploads.get(), result);
            boolean deletionLogRight = checkLog(ws.dir().resolve("deletion-log.txt"), deletes.get(), result);
            result.serverTrouble(server.troubleLines());
            report(result, devices, millis, window, seconds, latencies, errors, perWindow, windows);
            result.paragraph(String.format("Logs after the run: upload-log.txt has %s line per confirmed UED (%,d), "
                    + "deletion-log.txt %s line per confirmed DTE (%,d).", uploadLogRight ? "one" : "NOT one",
                    uploads.get(), deletionLogRight ? "one" : "NOT one", deletes.get()));
        }
        if (firstError.get() != null) {
            result.problem("first failed command: " + firstError.get());
        }
    }

    private static void report(ScenarioResult result, int devices, long millis, long window, double seconds,
                               Map<Command, Latencies> latencies, Map<Command, AtomicLong> errors,
                               AtomicLongArray perWindow, int windows) {
        double[] rates = new double[windows];
        for (int w = 0; w < windows; w++) {
            rates[w] = perWindow.get(w) / (window / 1000.0);
        }
        Spread rate = Spread.of(rates);
        long total = 0;
        Table t = result.table(new Table("Per command", "command", "share of mix", "count", "per second",
                "p50 (ms)", "p99 (ms)", "errors"));
        for (Command c : Command.values()) {
            Latencies l = latencies.get(c);
            total += l.count();
            t.row(c.label(), c.weight + " %", Runs.count(l.count()), Spread.number(l.count() / seconds, 0),
                    Spread.number(l.p50(), 2), Spread.number(l.p99(), 2), errors.get(c).get());
            result.metric("mixed." + c.name() + ".count", l.count());
            result.metric("mixed." + c.name() + ".errors", errors.get(c).get());
            result.figure("mixed." + c.name() + ".p99", c.label() + " p99 in the mixed load", "ms", Spread.of(l.p99()));
        }
        Table all = result.table(new Table("All commands", "devices", "duration (s)", "commands", "commands/s "
                + "(median of " + window / 1000.0 + " s windows)"));
        all.row(devices, Spread.number(millis / 1000.0, 0), Runs.count(total), rate.format(0));
        result.metric("mixed.commands", total);
        result.figure("mixed.rate", "mixed load, " + devices + " devices: commands per second", "1/s", rate);
        result.paragraph(String.format("%d devices join, then each issues commands back to back for %.0f s, "
                + "picking at random: AED, UED of a %,d-sample file (one of %d file IDs, replacing it), SCS with a "
                + "random operation over one of its uploaded files, DTE of one of them, and the server half of UVF "
                + "(looking up another device). SCS and DTE without an uploaded file become a UED. Latency is per "
                + "command from request to reply under this load (a closed loop: queueing included). "
                + "Throughput spread is over %.0f s windows of the one run.", devices, millis / 1000.0,
                UPLOAD_SAMPLES, FILE_IDS, window / 1000.0));
        result.summary("mixed load, " + devices + " devices: commands/s", rate.format(0), "", "");
        Latencies worst = null;
        Command worstCommand = null;
        for (Command c : Command.values()) {
            Latencies l = latencies.get(c);
            if (l.count() > 0 && (worst == null || l.p99() > worst.p99())) {
                worst = l;
                worstCommand = c;
            }
        }
        if (worst != null) {
            result.summary("mixed load: slowest p99 (" + worstCommand.label() + ")",
                    Spread.number(worst.p99(), 1) + " ms", "", "");
        }
    }

    /** True when {@code log} has {@code expected} lines within a few seconds; else records a problem. */
    private static boolean checkLog(Path log, long expected, ScenarioResult result) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long lines = -1;
        while (System.nanoTime() < deadline) {
            lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() : 0;
            if (lines == expected) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        result.problem(log.getFileName() + " has " + lines + " lines for " + expected + " confirmed commands");
        return false;
    }
}
