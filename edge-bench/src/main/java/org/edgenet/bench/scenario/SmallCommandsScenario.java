package org.edgenet.bench.scenario;

import org.edgenet.bench.baseline.PlainRequests;
import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.DataFiles;
import org.edgenet.bench.harness.Descriptors;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.load.ThrottledTasks;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Spread;
import org.edgenet.common.message.Operation;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 14 item 3: every joined device keeps one small command in flight, AED or SCS at random,
 * first over 1,000 devices, then over 10,000: commands per second and p50/p99. The baseline, in the
 * same run, is as many plain loopback connections each keeping one small request in flight.
 *
 * <p>An AED reply lists every other joined device, so it grows with the devices: at 10,000 it is
 * about 400 KB, and half of 10,000 commands in flight being AED put gigabytes of replies on the
 * wire at once, until the load generator's connections timed out mid-frame; one in twenty still
 * did on a busy machine. The AED share therefore shrinks with the square of the devices, so that
 * the AED replies in flight list about {@link #AED_ENTRIES_IN_FLIGHT} devices at every size (some
 * 20 MB): half AED at 1,000 devices, one in two hundred at 10,000. AED over many devices is the join
 * scenario's measurement.
 */
public final class SmallCommandsScenario implements Scenario.Measurement {
    public static final String TITLE = "8. Small commands, one in flight per device";
    public static final String ID = "small";
    /** Samples of the file every device uploads once for its SCS: small, the reply does not depend on it. */
    private static final long SAMPLES = 100;
    private static final int AED = 0;
    private static final int SCS = 1;
    /** Device entries of the AED replies in flight at once: half of 1,000 commands, each listing 1,000. */
    static final double AED_ENTRIES_IN_FLIGHT = 500_000;

    /** Per-size measurements across repeats. */
    private static final class Size {
        final int devices;
        final Runs rate = new Runs();
        final Runs p50 = new Runs();
        final Runs p99 = new Runs();
        final Runs aedP50 = new Runs();
        final Runs aedP99 = new Runs();
        final Runs scsP50 = new Runs();
        final Runs scsP99 = new Runs();
        final Runs plainRate = new Runs();
        final Runs plainP50 = new Runs();
        final Runs plainP99 = new Runs();
        int plainConnections;

        Size(int devices) {
            this.devices = devices;
        }
    }

    /** Fills {@code result} with what this scenario measured, its notes and its problems. */
    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        List<Integer> sizes = ctx.pick(List.of(20, 50), List.of(1_000, 10_000));
        int repeats = ctx.repeats(3);
        long warmUp = ctx.pick(500L, 3_000L);
        long measure = ctx.pick(1_000L, 10_000L);
        DataFiles.Samples file = ctx.data().samples(SAMPLES);
        Table t = result.table(new Table("Small commands (AED and SCS), one in flight per device",
                "devices", "AED share", "commands/s", "p50 (ms)", "p99 (ms)", "AED p50 / p99 (ms)", "SCS p50 / p99 (ms)",
                "plain connections", "plain round trips/s", "plain p50 / p99 (ms)", "commands/s vs plain"));
        for (int n : sizes) {
            if (!Descriptors.fits(n + 100)) {
                result.note(String.format("%,d devices skipped: the open-file limit is %d and needs %,d",
                        n, Descriptors.limit(), n + 100 + Descriptors.RESERVE));
                continue;
            }
            Size size = new Size(n);
            try {
                measureSize(ctx, size, repeats, warmUp, measure, file, result);
            } catch (Exception e) {
                // One size that stops leaves the other's figures standing.
                result.problem(String.format("%,d devices: the run stopped: %s", n, Device.describe(e)));
            }
            Spread ratio = size.rate.ratioTo(size.plainRate);
            t.row(Runs.count(n), String.format(Locale.ROOT, "%.1f %%", 100 * aedShare(n)), size.rate.format(0), size.p50.format(2), size.p99.format(2),
                    size.aedP50.format(2) + " / " + size.aedP99.format(2),
                    size.scsP50.format(2) + " / " + size.scsP99.format(2), Runs.count(size.plainConnections),
                    size.plainRate.format(0), size.plainP50.format(2) + " / " + size.plainP99.format(2),
                    ratio.format(3));
            String devices = Runs.count(n) + " devices";
            result.summary("small commands over " + devices + ": commands/s", size.rate.format(0),
                    size.plainRate.format(0) + " (plain round trips)", ratio.format(3));
            result.summary("small commands over " + devices + ": p50 / p99 (ms)",
                    size.p50.format(2) + " / " + size.p99.format(2),
                    size.plainP50.format(2) + " / " + size.plainP99.format(2) + " (plain round trip)", "");
            result.ratio("small commands over " + devices + ", commands/s vs plain round trips", ratio);
            String key = "small." + n;
            result.figure(key + ".rate", "small commands over " + devices + ": commands/s", "1/s",
                    size.rate.spread(), size.plainRate.spread(), ratio);
            result.figure(key + ".p50", "small commands over " + devices + ": p50", "ms", size.p50.spread(),
                    size.plainP50.spread(), size.plainP50.ratioTo(size.p50));
            result.figure(key + ".p99", "small commands over " + devices + ": p99", "ms", size.p99.spread(),
                    size.plainP99.spread(), size.plainP99.ratioTo(size.p99));
            result.figure(key + ".aed.p99", "AED p99 among small commands over " + devices, "ms",
                    size.aedP99.spread());
            result.figure(key + ".scs.p99", "SCS p99 among small commands over " + devices, "ms",
                    size.scsP99.spread());
            result.metric(key + ".rate", size.rate.spread().median());
            result.metric(key + ".baseline", size.plainRate.spread().median());
        }
        result.paragraph(String.format(Locale.ROOT, "A fresh server per size. First the baseline: as many plain "
                + "loopback connections as there will be devices (fewer when the open-file limit says so; the "
                + "table shows how many) to a Netty server on two event-loop threads in the load generator, "
                + "each keeping one 4-byte request in flight and answered with a fixed %d-byte reply. Then the "
                + "devices join, each uploads one %,d-sample file (set-up, not measured), and each keeps one "
                + "command in flight: AED, or SCS over its own file with a random operation; every SCS answer "
                + "is checked against the file, and every AED reply must list all the other devices. AED replies "
                + "list every other joined device, so with N devices each carries N-1 entries (about 400 KB at "
                + "10,000): the AED share is %,.0f / N² (at most half), so that the AED replies in flight list "
                + "about as many devices at every size (some 20 MB); at 10,000 devices nearly every command is "
                + "SCS, and AED over many devices is measured by the join scenario. "
                + "Per run: %.1f s of warm-up, then %.0f s measured; only replies inside the measured span "
                + "count. Latency is from request to reply under this load (a closed loop: queueing included). "
                + "%d run(s) per size, baseline and EdgeNet alternating.", PlainRequests.REPLY_BYTES, SAMPLES,
                AED_ENTRIES_IN_FLIGHT, warmUp / 1000.0, measure / 1000.0, repeats));
    }

    private static void measureSize(BenchContext ctx, Size size, int repeats, long warmUp, long measure,
                                    DataFiles.Samples file, ScenarioResult result) throws Exception {
        int n = size.devices;
        try (Workspace ws = ctx.workspace(ID + "-" + n, n);
             ServerProcess server = ctx.startServer(ws, ID + "-" + n);
             PlainRequests plain = new PlainRequests()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            List<String> names = ws.devices();
            ThrottledTasks.Outcome<Device> joined = ThrottledTasks.run(n, 500, i -> Device.join(ctx.group(),
                    JoinScenario.spread(address, i), names.get(i), Workspace.password(names.get(i)), 20_000 + i))
                    .get(300, TimeUnit.SECONDS);
            List<Device> devices = joined.results();
            List<PlainRequests.Connection> plainClients = List.of();
            try {
                if (!joined.failures().isEmpty()) {
                    result.problem(String.format("%,d devices: %d joins failed, first: %s", n,
                            joined.failures().size(), Device.describe(joined.failures().get(0))));
                    return;
                }
                ThrottledTasks.Outcome<Long> uploaded = ThrottledTasks.run(n, 200,
                        i -> devices.get(i).upload(0, file.file())).get(300, TimeUnit.SECONDS);
                if (!uploaded.failures().isEmpty()) {
                    result.problem(String.format("%,d devices: %d uploads failed, first: %s", n,
                            uploaded.failures().size(), Device.describe(uploaded.failures().get(0))));
                    return;
                }
                // Each plain connection holds two descriptors in this process; the devices already hold n.
                long limit = Descriptors.limit();
                int connections = limit < 0 ? n : (int) Math.max(1, Math.min(n, (limit - Descriptors.RESERVE - n) / 2));
                size.plainConnections = connections;
                // Connected once for all repeats: closing thousands of connections per run would fill the
                // ephemeral port range with TIME_WAIT.
                ThrottledTasks.Outcome<PlainRequests.Connection> connected = ThrottledTasks.run(connections, 500,
                        i -> plain.connect(ctx.group())).get(120, TimeUnit.SECONDS);
                plainClients = connected.results();
                if (!connected.failures().isEmpty()) {
                    result.problem(String.format("plain baseline: %d of %,d connections failed, first: %s",
                            connected.failures().size(), connections, Device.describe(connected.failures().get(0))));
                    return;
                }
                for (int r = 0; r < repeats; r++) {
                    plainRun(plainClients, warmUp, measure, size, result);
                    edgeRun(devices, file, r, warmUp, measure, size, result);
                }
            } finally {
                plainClients.forEach(c -> {
                    if (c != null) {
                        c.close();
                    }
                });
                // Dropping (not OUT) is the cheapest way out; the server must cope with it anyway.
                devices.forEach(d -> {
                    if (d != null) {
                        d.drop();
                    }
                });
            }
            for (String line : server.troubleLines()) {
                result.problem("server console: " + line);
            }
        }
    }

    private static void edgeRun(List<Device> devices, DataFiles.Samples file, int repeat, long warmUp, long measure,
                                Size size, ScenarioResult result) throws Exception {
        Operation[] ops = Operation.values();
        SplittableRandom[] randoms = new SplittableRandom[devices.size()];
        for (int i = 0; i < randoms.length; i++) {
            randoms[i] = new SplittableRandom(31L * repeat + i);
        }
        AtomicReference<String> wrong = new AtomicReference<>();
        int others = devices.size() - 1;
        double aedShare = aedShare(devices.size());
        OneInFlight.Outcome o = OneInFlight.run(devices.size(), 2, i -> {
            // Each device's random is only used by its own loop, one request at a time.
            SplittableRandom random = randoms[i];
            Device d = devices.get(i);
            if (random.nextDouble() < aedShare) {
                CompletableFuture<?> list = d.listActive().whenComplete((active, e) -> {
                    if (active != null && active.size() != others) {
                        wrong.compareAndSet(null, String.format("AED listed %,d devices to %s, not the %,d others",
                                active.size(), d.name(), others));
                    }
                });
                return new OneInFlight.Request(list, AED);
            }
            Operation op = ops[random.nextInt(ops.length)];
            CompletableFuture<String> answer = d.compute(0, op).whenComplete((a, e) -> {
                if (a != null) {
                    Optional<String> problem = ComputeScenario.check(file.stats(), op, a);
                    problem.ifPresent(p -> wrong.compareAndSet(null, p));
                }
            });
            return new OneInFlight.Request(answer, SCS);
        }, warmUp, measure);
        if (o.firstError() != null) {
            result.problem(String.format("%,d devices: %d commands failed, first: %s", devices.size(), o.errors(),
                    o.firstError()));
        }
        if (o.stuck() > 0) {
            result.problem(String.format("%,d devices: %,d still waited for a reply %d s after the end",
                    devices.size(), o.stuck(), OneInFlight.GRACE_MILLIS / 1000));
        }
        if (wrong.get() != null) {
            result.problem(wrong.get());
        }
        size.rate.add(o.rate());
        size.p50.add(o.all().p50());
        size.p99.add(o.all().p99());
        size.aedP50.add(o.byKind()[AED].p50());
        size.aedP99.add(o.byKind()[AED].p99());
        size.scsP50.add(o.byKind()[SCS].p50());
        size.scsP99.add(o.byKind()[SCS].p99());
    }

    /** The share of AED among the commands over {@code devices} devices: half, less beyond 1,000 devices. */
    static double aedShare(int devices) {
        return Math.min(0.5, AED_ENTRIES_IN_FLIGHT / ((double) devices * devices));
    }

    private static void plainRun(List<PlainRequests.Connection> clients, long warmUp, long measure, Size size,
                                 ScenarioResult result) throws Exception {
        OneInFlight.Outcome o = OneInFlight.run(clients.size(), 1,
                i -> new OneInFlight.Request(clients.get(i).ask(), 0), warmUp, measure);
        if (o.firstError() != null || o.stuck() > 0) {
            result.problem("plain baseline: " + o.errors() + " requests failed, first: " + o.firstError() + "; "
                    + o.stuck() + " connections still waited for a reply after the end");
        }
        size.plainRate.add(o.rate());
        size.plainP50.add(o.all().p50());
        size.plainP99.add(o.all().p99());
    }
}
