package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.Descriptors;
import org.edgenet.bench.harness.DeviceLog;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.ThrottledTasks;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.Chart;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Series;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Latencies;
import org.edgenet.bench.stats.Spread;
import org.edgenet.common.message.DeviceInfo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Issue item 1: N devices join at once; time to join all, the server's heap after GC and RSS,
 * bytes per joined device, and AED latency with N devices online. Then half the devices leave
 * with OUT and the rest drop their connections, and edge-device-log.txt must follow every step:
 * exactly the active devices, numbered from 1, in join order.
 */
public final class JoinScenario implements Scenario.Measurement {
    public static final String ID = "join";
    /** Joins in flight at once: enough to keep the server busy, few enough not to overflow its accept queue. */
    private static final int IN_FLIGHT = 1000;
    /** Devices that join and leave once before measuring, so the server's JIT has seen the path. */
    private static final int WARM_UP = 500;
    /** Loopback addresses the devices connect to, 127.0.0.1 and up. */
    private static final int ADDRESSES = 8;

    /** Per-size measurements across repeats. */
    private static final class Size {
        final int devices;
        final Runs joinSeconds = new Runs();
        final Runs joinRate = new Runs();
        final Runs heapMb = new Runs();
        final Runs rssMb = new Runs();
        final Runs heapPerDevice = new Runs();
        final Runs rssPerDevice = new Runs();
        final Runs joinP50 = new Runs();
        final Runs joinP99 = new Runs();
        final Runs aedP50 = new Runs();
        final Runs aedP99 = new Runs();
        final Runs leaveSeconds = new Runs();
        /** edge-device-log.txt checks made and passed: after the joins, the leaves and the drops. */
        int logChecks;
        int logChecksPassed;
        boolean skipped;

        void logChecked(Optional<String> problem) {
            logChecks++;
            if (problem.isEmpty()) {
                logChecksPassed++;
            }
        }

        Size(int devices) {
            this.devices = devices;
        }
    }

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        List<Integer> sizes = ctx.pick(List.of(10, 40), List.of(1_000, 10_000, 19_000));
        int repeats = ctx.repeats(3);
        int aedSamples = ctx.pick(10, 100);
        List<Size> measured = new ArrayList<>();
        for (int n : sizes) {
            Size size = new Size(n);
            measured.add(size);
            if (!Descriptors.fits(n)) {
                size.skipped = true;
                result.note(String.format("%,d devices skipped: the open-file limit is %d and needs %,d (raise it "
                        + "with ulimit -n; scripts/bench.sh raises the soft limit to the hard one)",
                        n, Descriptors.limit(), n + Descriptors.RESERVE));
                continue;
            }
            // A fresh server per run: memory per device is only meaningful from a known idle state.
            for (int r = 0; r < repeats; r++) {
                runOnce(ctx, size, aedSamples, r, result);
            }
        }
        report(result, measured, repeats, aedSamples);
    }

    private void runOnce(BenchContext ctx, Size size, int aedSamples, int repeat, ScenarioResult result)
            throws Exception {
        int n = size.devices;
        try (Workspace ws = ctx.workspace("join-" + n, n);
             ServerProcess server = ctx.startServer(ws, "join-" + n)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            warmUp(ctx, address, ws, Math.min(n, WARM_UP), result);
            // The idle server's footprint, after the warm-up loaded every class the joins need.
            long heap0 = server.heapAfterGc();
            long rss0 = server.rss();
            List<String> names = ws.devices();
            Map<String, Integer> ports = new HashMap<>();
            for (int i = 0; i < n; i++) {
                ports.put(names.get(i), udpPort(i));
            }

            Latencies joins = new Latencies();
            long start = System.nanoTime();
            ThrottledTasks.Outcome<Device> joined = ThrottledTasks.run(n, IN_FLIGHT, i -> {
                long t0 = System.nanoTime();
                String name = names.get(i);
                return Device.join(ctx.group(), spread(address, i), name, Workspace.password(name), udpPort(i))
                        .whenComplete((d, e) -> joins.since(t0));
            }).get(300, TimeUnit.SECONDS);
            double joinSeconds = (System.nanoTime() - start) / 1e9;
            List<Device> devices = joined.results();
            // Without every device joined, neither the memory nor the log check would mean anything.
            if (!joined.failures().isEmpty()) {
                result.problem(String.format("%,d devices: %d joins failed, first: %s", n, joined.failures().size(),
                        Device.describe(joined.failures().get(0))));
                devices.forEach(d -> {
                    if (d != null) {
                        d.drop();
                    }
                });
                return;
            }
            size.joinSeconds.add(joinSeconds);
            size.joinRate.add(n / joinSeconds);
            size.joinP50.add(joins.p50());
            size.joinP99.add(joins.p99());

            Optional<String> logProblem = DeviceLog.await(() -> DeviceLog.check(ws.dir(), ports, null), 30_000);
            size.logChecked(logProblem);
            logProblem.ifPresent(p -> result.problem(String.format("%,d devices joined: %s", n, p)));
            List<String> joinOrder = logProblem.isPresent() ? null : orderInLog(ws, result);

            // Measured with every device joined and idle: what holding them costs, not what serving them costs.
            long heap = server.heapAfterGc();
            long rss = server.rss();
            size.heapMb.add(heap / 1e6);
            size.rssMb.add(rss / 1e6);
            size.heapPerDevice.add((heap - heap0) / (double) n);
            size.rssPerDevice.add((rss - rss0) / (double) n);

            // AED one request at a time, from random devices: latency of the answer, not of a queue.
            Latencies aed = new Latencies();
            SplittableRandom random = new SplittableRandom(repeat);
            for (int k = 0; k < aedSamples; k++) {
                Device asker = devices.get(random.nextInt(n));
                long t0 = System.nanoTime();
                List<DeviceInfo> others = asker.listActive().get(60, TimeUnit.SECONDS);
                aed.since(t0);
                if (others.size() != n - 1) {
                    result.problem(String.format("AED with %,d devices listed %,d others", n, others.size()));
                    break;
                }
            }
            size.aedP50.add(aed.p50());
            size.aedP99.add(aed.p99());

            // Every other device leaves with OUT; the log must close ranks and keep join order.
            for (int i = 1; i < n; i += 2) {
                ports.remove(devices.get(i).name());
            }
            long leaveStart = System.nanoTime();
            ThrottledTasks.Outcome<Void> left = ThrottledTasks.run(n / 2, IN_FLIGHT,
                    i -> devices.get(2 * i + 1).leave()).get(300, TimeUnit.SECONDS);
            if (!left.failures().isEmpty()) {
                result.problem(String.format("%,d devices: %d leaves failed, first: %s", n, left.failures().size(),
                        Device.describe(left.failures().get(0))));
            }
            Optional<String> afterLeave = DeviceLog.await(() -> DeviceLog.check(ws.dir(), ports, joinOrder), 60_000);
            size.leaveSeconds.add((System.nanoTime() - leaveStart) / 1e9);
            size.logChecked(afterLeave);
            afterLeave.ifPresent(p -> result.problem(String.format("%,d devices, half left: %s", n, p)));

            // The rest drop their connections without OUT: they must leave all the same (R-LOG-3).
            for (int i = 0; i < n; i += 2) {
                devices.get(i).drop();
            }
            Optional<String> afterDrop = DeviceLog.await(() -> DeviceLog.check(ws.dir(), Map.of(), null), 60_000);
            size.logChecked(afterDrop);
            afterDrop.ifPresent(p -> result.problem(String.format("%,d devices, all gone: %s", n, p)));
            result.serverTrouble(server.troubleLines());
            // Reached only when every step above ran: the quick test checks this count.
            result.metric("join." + n + ".joined", n);
        }
    }

    /** Joins and removes {@code count} devices, untimed, and waits until the log is empty again. */
    private static void warmUp(BenchContext ctx, InetSocketAddress address, Workspace ws, int count,
                               ScenarioResult result) throws Exception {
        List<String> names = ws.devices();
        var cycled = ThrottledTasks.run(count, 100, i -> Device.join(ctx.group(), address, names.get(i),
                Workspace.password(names.get(i)), udpPort(i)).thenCompose(Device::leave)).get(120, TimeUnit.SECONDS);
        if (!cycled.failures().isEmpty()) {
            result.problem("warm-up: " + Device.describe(cycled.failures().get(0)));
        }
        DeviceLog.await(() -> DeviceLog.check(ws.dir(), Map.of(), null), 30_000)
                .ifPresent(p -> result.problem("after the warm-up: " + p));
    }

    private static List<String> orderInLog(Workspace ws, ScenarioResult result) {
        try {
            return DeviceLog.read(ws.dir()).stream().map(DeviceLog.Entry::name).toList();
        } catch (java.io.IOException e) {
            result.problem(e.getMessage());
            return null;
        }
    }

    /**
     * The server's port on one of {@link #ADDRESSES} loopback addresses (the server listens on all).
     * One client address and one server address allow only the ~28,000 ephemeral ports, and the
     * ports of the previous run's dropped connections stay in TIME_WAIT for a minute: at 19,000
     * devices the kernel's search for a free port, not the server, set the pace. Real devices come
     * from many addresses anyway.
     */
    static InetSocketAddress spread(InetSocketAddress server, int device) {
        try {
            byte[] ip = {127, 0, 0, (byte) (1 + device % ADDRESSES)};
            return new InetSocketAddress(InetAddress.getByAddress(ip), server.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address always resolves", e);
        }
    }

    /** A distinct UDP port per device, as the log shows it; nothing listens there in this scenario. */
    private static int udpPort(int i) {
        return 20_000 + i % 40_000;
    }

    private void report(ScenarioResult result, List<Size> sizes, int repeats, int aedSamples) {
        result.paragraph(String.format("A fresh server per run, warmed up by %,d devices joining and leaving once; then devices join %,d at a time (connect, login, "
                + "register UDP) from one load-generator JVM on a 2-thread event loop, spread over the server's "
                + "port on 127.0.0.1 to 127.0.0.%d so that ephemeral ports never run short. Memory is read from "
                + "outside the server: heap in use after `jcmd GC.run` (jstat), RSS from /proc. Bytes per device "
                + "are the growth over the idle server, divided by the devices. AED latency: %d requests, one at "
                + "a time, from random devices while all are joined. Afterwards half the devices leave with OUT "
                + "and the rest drop their connections; edge-device-log.txt is checked after the joins, after "
                + "the leaves and at the end. %d run(s) per size.", WARM_UP, IN_FLIGHT, ADDRESSES, aedSamples, repeats));
        Table t = result.table(new Table("Join all at once", "devices", "time to join all (s)", "joins/s",
                "join p50 (ms)", "join p99 (ms)", "heap after GC (MB)", "RSS (MB)", "heap B/device", "RSS B/device",
                "AED p50 (ms)", "AED p99 (ms)"));
        List<Double> x = new ArrayList<>();
        List<Spread> p50 = new ArrayList<>();
        List<Spread> p99 = new ArrayList<>();
        for (Size s : sizes) {
            if (s.skipped || s.joinSeconds.spread().isEmpty()) {
                continue;
            }
            t.row(Runs.count(s.devices), s.joinSeconds.format(2), s.joinRate.format(0), s.joinP50.format(1),
                    s.joinP99.format(1), s.heapMb.format(1), s.rssMb.format(1), s.heapPerDevice.format(0),
                    s.rssPerDevice.format(0), s.aedP50.format(2), s.aedP99.format(2));
            x.add((double) s.devices);
            p50.add(s.aedP50.spread());
            p99.add(s.aedP99.spread());
            result.metric("join." + s.devices + ".seconds", s.joinSeconds.spread().median());
            result.metric("join." + s.devices + ".heapPerDevice", s.heapPerDevice.spread().median());
            result.metric("join." + s.devices + ".aedP99", s.aedP99.spread().median());
            result.summary(String.format("join %,d devices: time to join all", s.devices),
                    s.joinSeconds.format(2) + " s", "", "");
            result.summary(String.format("AED with %,d devices: p50 / p99", s.devices),
                    s.aedP50.format(1) + " / " + s.aedP99.format(1) + " ms", "", "");
            result.summary(String.format("heap per joined device (%,d)", s.devices),
                    s.heapPerDevice.format(0) + " B", "", "");
            String key = "join." + s.devices;
            String of = String.format(" with %,d devices", s.devices);
            result.figure(key + ".seconds", "time to join all" + of, "s", s.joinSeconds.spread());
            result.figure(key + ".joinsPerSecond", "joins per second" + of, "1/s", s.joinRate.spread());
            result.figure(key + ".joinP99", "join p99" + of, "ms", s.joinP99.spread());
            result.figure(key + ".heapPerDevice", "heap per joined device" + of, "B", s.heapPerDevice.spread());
            result.figure(key + ".rssPerDevice", "RSS per joined device" + of, "B", s.rssPerDevice.spread());
            result.figure(key + ".aedP50", "AED p50" + of, "ms", s.aedP50.spread());
            result.figure(key + ".aedP99", "AED p99" + of, "ms", s.aedP99.spread());
        }
        Table leave = result.table(new Table("Half leave with OUT, until edge-device-log.txt is right again; "
                + "the log checked after the joins, after the leaves and after the rest dropped",
                "devices", "leaves", "time (s)", "log checks passed"));
        for (Size s : sizes) {
            if (!s.leaveSeconds.spread().isEmpty()) {
                leave.row(Runs.count(s.devices), Runs.count(s.devices / 2), s.leaveSeconds.format(2),
                        s.logChecksPassed + " of " + s.logChecks);
            }
        }
        result.chart(new Chart("aed-latency-vs-devices.png", "AED latency vs joined devices",
                "joined devices", "AED latency (ms)", false,
                List.of(new Series("p50", x, p50), new Series("p99", x, p99))));
    }
}
