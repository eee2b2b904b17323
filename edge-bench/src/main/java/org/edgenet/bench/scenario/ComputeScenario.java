package org.edgenet.bench.scenario;

import org.edgenet.bench.baseline.RoundTripServer;
import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.DataFiles;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.Chart;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Series;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Latencies;
import org.edgenet.bench.stats.Spread;
import org.edgenet.common.message.Operation;

import java.math.BigDecimal;
import java.math.MathContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue item 4: SCS latency p50/p99 over files of 1k, 1M and 100M samples, one request at a time,
 * cycling through SUM, AVERAGE, MAX and MIN, every answer checked against the file. The baseline
 * is the same request shape with no protocol: one round trip over a plain loopback socket, answered
 * from a precomputed value, as EdgeNet's server answers from the summary it made at upload.
 */
public final class ComputeScenario implements Scenario.Measurement {
    public static final String ID = "scs";
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        List<Long> sizes = ctx.pick(List.of(1_000L, 20_000L), List.of(1_000L, 1_000_000L, 100_000_000L));
        List<Integer> requests = ctx.pick(List.of(20, 20), List.of(200, 200, 200));
        int repeats = ctx.repeats(3);
        long timeout = ctx.pick(60L, 300L);
        List<DataFiles.Samples> files = new ArrayList<>();
        for (long s : sizes) {
            files.add(ctx.data().samples(s));
        }
        Table t = result.table(new Table("SCS, one request at a time", "samples", "requests/run", "SCS p50 (ms)",
                "SCS p99 (ms)", "EdgeNet AED p50 (ms)", "TCP round trip p50 (ms)", "TCP round trip p99 (ms)",
                "speed vs baseline (p50)"));
        List<Double> x = new ArrayList<>();
        List<Spread> edge50 = new ArrayList<>();
        List<Spread> edge99 = new ArrayList<>();
        List<Spread> base50 = new ArrayList<>();
        List<Spread> base99 = new ArrayList<>();
        try (Workspace ws = ctx.workspace(ID, 1);
             ServerProcess server = ctx.startServer(ws, ID);
             RoundTripServer plain = new RoundTripServer(files.stream().map(f -> f.stats().sum().toString()).toList());
             RoundTripServer.Client plainClient = plain.connect()) {
            String name = ws.devices().get(0);
            Device device = Device.join(ctx.group(), new InetSocketAddress("127.0.0.1", server.port()), name,
                    Workspace.password(name), 9000).get(30, TimeUnit.SECONDS);
            // Uploads are set-up here, not measured: UED has its own scenario.
            for (int i = 0; i < files.size(); i++) {
                device.upload(i, files.get(i).file()).get(timeout, TimeUnit.SECONDS);
            }
            Operation[] ops = Operation.values();
            for (int i = 0; i < files.size(); i++) {
                DataFiles.Samples file = files.get(i);
                Runs p50 = new Runs();
                Runs p99 = new Runs();
                Runs b50 = new Runs();
                Runs aed50 = new Runs();
                Runs b99 = new Runs();
                for (int r = 0; r < repeats; r++) {
                    Latencies edge = new Latencies();
                    Latencies base = new Latencies();
                    Latencies aed = new Latencies();
                    for (int k = 0; k < requests.get(i); k++) {
                        Operation op = ops[k % ops.length];
                        long t0 = System.nanoTime();
                        String answer = device.compute(i, op).get(timeout, TimeUnit.SECONDS);
                        edge.since(t0);
                        check(file.stats(), op, answer).ifPresent(result::problem);
                        // AED with no other device: the same connection and codec, but no disk and no lane.
                        long a0 = System.nanoTime();
                        device.listActive().get(timeout, TimeUnit.SECONDS);
                        aed.since(a0);
                        long b0 = System.nanoTime();
                        plainClient.ask(i);
                        base.since(b0);
                    }
                    p50.add(edge.p50());
                    p99.add(edge.p99());
                    b50.add(base.p50());
                    b99.add(base.p99());
                    aed50.add(aed.p50());
                }
                long samples = sizes.get(i);
                Spread speed = b50.ratioTo(p50);
                t.row(Runs.size(samples), requests.get(i), p50.format(2), p99.format(2), aed50.format(2), b50.format(2),
                        b99.format(2), speed.format(3));
                x.add((double) samples);
                edge50.add(p50.spread());
                edge99.add(p99.spread());
                base50.add(b50.spread());
                base99.add(b99.spread());
                result.ratio("SCS " + Runs.size(samples) + " samples, speed vs plain TCP round trip (p50)", speed);
                result.summary("SCS " + Runs.size(samples) + " samples: p50 / p99 (ms)",
                        p50.format(2) + " / " + p99.format(2), b50.format(2) + " / " + b99.format(2) + " (plain round trip)",
                        speed.format(3));
                result.figure("scs." + samples + ".p50", "SCS " + Runs.size(samples) + " samples p50 vs plain round trip",
                        "ms", p50.spread(), b50.spread(), speed);
                result.figure("scs." + samples + ".p99", "SCS " + Runs.size(samples) + " samples p99 vs plain round trip",
                        "ms", p99.spread(), b99.spread(), b99.ratioTo(p99));
                result.metric("scs." + samples + ".p50", p50.spread().median());
            }
            device.leave().get(30, TimeUnit.SECONDS);
            result.serverTrouble(server.troubleLines());
        }
        result.paragraph(String.format("One joined device asks SCS over its own uploaded file, one request at a "
                + "time, cycling SUM, AVERAGE, MAX, MIN; every answer is checked against the values computed "
                + "when the file was written. The server answers from a summary it computed while the file was "
                + "uploaded and keeps in memory, on the event loop, so latency does not grow with the file (the "
                + "upload pays for it, see UED); only the first SCS after a restart goes to the file's lane to read "
                + "the summary from the disk. After each "
                + "request the baseline does the same round trip over a plain loopback socket to a server that "
                + "answers from a precomputed value. Between the two, an AED on the same EdgeNet connection (no other "
                + "device is joined, so its reply is empty) shows what a command costs that never leaves the event "
                + "loop, as SCS now does too: the two should be close. Speed vs baseline is baseline p50 / EdgeNet p50 (below 1: "
                + "EdgeNet is slower). %d run(s) per size.",
                repeats));
        result.chart(new Chart("scs-latency.png", "SCS latency vs file size", "samples (log scale)",
                "latency (ms)", true, List.of(new Series("EdgeNet p50", x, edge50), new Series("EdgeNet p99", x, edge99),
                        new Series("plain TCP round trip p50", x, base50),
                        new Series("plain TCP round trip p99", x, base99))));
    }

    /** Empty when {@code answer} is right for {@code op} over the file, else what is wrong. */
    static Optional<String> check(DataFiles.SampleStats stats, Operation op, String answer) {
        // The result is text for people; take the first number in it, whatever words surround it.
        Matcher m = NUMBER.matcher(answer.replace(",", ""));
        if (!m.find()) {
            return Optional.of("SCS " + op + " answered '" + answer + "', not a number");
        }
        BigDecimal got = new BigDecimal(m.group());
        BigDecimal expected = switch (op) {
            case SUM -> new BigDecimal(stats.sum());
            case MAX -> BigDecimal.valueOf(stats.max());
            case MIN -> BigDecimal.valueOf(stats.min());
            case AVERAGE -> new BigDecimal(stats.sum()).divide(BigDecimal.valueOf(stats.count()), MathContext.DECIMAL64);
        };
        // AVERAGE is a decimal whose rounding the server chooses; the rest must be exact.
        boolean right = op == Operation.AVERAGE
                ? got.subtract(expected).abs().compareTo(BigDecimal.valueOf(0.01)) <= 0
                : got.compareTo(expected) == 0;
        return right ? Optional.empty()
                : Optional.of("SCS " + op + " over " + stats.count() + " samples answered " + answer + ", expected " + expected);
    }
}
