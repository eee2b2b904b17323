package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Latencies;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Issue 16, must-show 3: what sharing presence through the cluster costs. The same load runs on a
 * server alone, on a cluster of one member and on a cluster of three server processes, each device
 * sent to the nodes in turn: devices join at once (join p99 and the time for all), each asks AED a
 * few times (AED p99, which must list every other device wherever it joined), then loops join and
 * leave (cycles per second). All processes share this machine's cores, so three nodes are not
 * faster here: the figures show the price of the round trips between members.
 */
public final class ClusterScenario implements Scenario.Measurement {
    public static final String ID = "cluster";
    public static final String TITLE = "Cluster mode: the cost of sharing presence";
    /** The setups measured, in the report's order; their keys name the results.json figures. */
    private static final Setup ALONE = new Setup("alone", 1, false);
    private static final Setup ONE = new Setup("1", 1, true);
    private static final Setup THREE = new Setup("3", 3, true);
    private static final int NAMES_PER_LOOP = 4;
    /** Hazelcast's lines name the member and the library's version: {@code [127.0.0.1]:5701 [name] [5.7.0]}. */
    private static final Pattern HAZELCAST_LINE = Pattern.compile("\\]:\\d+ \\[[^\\]]*\\] \\[\\d+\\.\\d+\\.\\d+\\]");

    private record Setup(String key, int nodes, boolean cluster) {
        String label() {
            return cluster ? nodes + (nodes == 1 ? " member" : " members") : "server alone";
        }
    }

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        int devices = ctx.pick(12, 300);
        int asks = ctx.pick(2, 10);
        int loops = ctx.pick(6, 48);
        long millis = ctx.pick(1_000L, 10_000L);
        int repeats = ctx.repeats(3);
        Table t = result.table(new Table("The same load on one server and on clusters of server processes",
                "setup", "join all (s)", "join p99 (ms)", "AED p99 (ms)", "join+leave cycles/s", "AED complete"));
        // A member's JVM takes seconds to start: the quick mode leaves out the middle setup.
        for (Setup setup : ctx.pick(List.of(ALONE, THREE), List.of(ALONE, ONE, THREE))) {
            Runs joinAll = new Runs();
            Runs join99 = new Runs();
            Runs aed99 = new Runs();
            Runs rate = new Runs();
            int complete = 0;
            long joined = 0;
            int libraryWarnings = 0;
            for (int r = 0; r < repeats; r++) {
                List<Workspace> spaces = new ArrayList<>();
                List<ServerProcess> servers = new ArrayList<>();
                try {
                    for (int n = 0; n < setup.nodes(); n++) {
                        spaces.add(ctx.workspace(ID + "-" + setup.key() + "-node" + n, devices + loops * NAMES_PER_LOOP));
                    }
                    servers.addAll(start(ctx, setup, spaces));
                    List<InetSocketAddress> nodes = servers.stream()
                            .map(s -> new InetSocketAddress("127.0.0.1", s.port())).toList();
                    List<String> names = spaces.get(0).devices();
                    Run run = once(ctx, nodes, names.subList(0, devices), asks, result);
                    joinAll.add(run.joinSeconds());
                    join99.add(run.joins().p99());
                    aed99.add(run.aeds().p99());
                    complete += run.aedComplete() ? 1 : 0;
                    joined += run.joined();
                    AtomicLong cycles = new AtomicLong();
                    long start = System.nanoTime();
                    Throwable failure = joinLeave(ctx, nodes, names.subList(devices, names.size()), loops, millis,
                            cycles);
                    if (failure != null) {
                        result.problem(setup.label() + ": join/leave cycle failed: " + Device.describe(failure));
                    }
                    rate.add(cycles.get() / ((System.nanoTime() - start) / 1e9));
                    for (ServerProcess s : servers) {
                        List<String> trouble = s.troubleLines();
                        // Hazelcast warns of its own membership changes while members start and
                        // stop together; they are counted, not problems of EdgeNet.
                        List<String> ours = trouble.stream().filter(l -> !HAZELCAST_LINE.matcher(l).find()).toList();
                        libraryWarnings += trouble.size() - ours.size();
                        result.serverTrouble(ours);
                    }
                } finally {
                    servers.forEach(ServerProcess::close);
                    spaces.forEach(Workspace::close);
                }
            }
            t.row(setup.label(), joinAll.format(2), join99.format(1), aed99.format(1), rate.format(0),
                    complete + " of " + repeats + " runs");
            if (libraryWarnings > 0) {
                result.note(setup.label() + ": " + libraryWarnings + " warning(s) of Hazelcast on the servers' "
                        + "consoles (membership changes while the members started and stopped together)");
            }
            String k = "cluster." + setup.key();
            result.figure(k + ".joinP99", "join p99, " + setup.label(), "ms", join99.spread());
            result.figure(k + ".aedP99", "AED p99, " + setup.label(), "ms", aed99.spread());
            result.figure(k + ".rate", "join+leave cycles per second, " + setup.label(), "1/s", rate.spread());
            result.metric(k + ".joined", joined);
            result.metric(k + ".joinSeconds", joinAll.spread().median());
            result.metric(k + ".rate", rate.spread().median());
            result.summary("join p99 / AED p99 (ms), " + setup.label(),
                    join99.format(1) + " / " + aed99.format(1), "", "");
            result.summary("join+leave cycles/s, " + setup.label(), rate.format(0), "", "");
        }
        result.paragraph(String.format("%d devices join at once, sent to the nodes in turn; each then asks AED %d "
                + "times, one after the other (every answer must list all %d others, wherever they joined); "
                + "after they leave, %d loops join and leave for %.0f s, also spread over the nodes. Each setup "
                + "starts fresh server processes: a server alone (no cluster library), a cluster of one member "
                + "and a cluster of three members on this machine's %d cores. The members share the cores "
                + "with each other and with the load, so three nodes cannot be faster here; what a cluster "
                + "adds is a round trip to the member that owns a device's presence entry at each join and "
                + "leave, and its synchronous backup. %d run(s) per setup.", devices, asks, devices - 1, loops,
                millis / 1000.0, Runtime.getRuntime().availableProcessors(), repeats));
    }

    /** What one run of joins and AED gave. */
    private record Run(Latencies joins, Latencies aeds, double joinSeconds, int joined, boolean aedComplete) {
    }

    /** Starts the servers of {@code setup} at once: a member's start waits for the others to answer. */
    private static List<ServerProcess> start(BenchContext ctx, Setup setup, List<Workspace> spaces) throws Exception {
        if (!setup.cluster()) {
            return List.of(ctx.startServer(spaces.get(0), ID + "-alone"));
        }
        List<Integer> ports = freePorts(setup.nodes());
        String members = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        // A name no other run shares: members of another cluster on this machine never join ours.
        String name = "bench-" + UUID.randomUUID();
        List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
        for (int n = 0; n < setup.nodes(); n++) {
            Workspace ws = spaces.get(n);
            List<String> options = List.of("--cluster-members", members, "--cluster-name", name,
                    "--cluster-port", Integer.toString(ports.get(n)));
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return ctx.startServer(ws, ID + "-" + setup.key(), options);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }));
        }
        List<ServerProcess> started = new ArrayList<>();
        Exception failure = null;
        for (CompletableFuture<ServerProcess> f : starting) {
            try {
                started.add(f.get(2, TimeUnit.MINUTES));
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            started.forEach(ServerProcess::close);
            throw failure;
        }
        return started;
    }

    /** Ports the system has free now, for the members to bind at once. */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static Run once(BenchContext ctx, List<InetSocketAddress> nodes, List<String> names, int asks,
                            ScenarioResult result) throws Exception {
        Latencies joins = new Latencies();
        List<CompletableFuture<Device>> joining = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            long t0 = System.nanoTime();
            joining.add(Device.join(ctx.group(), nodes.get(i % nodes.size()), name, Workspace.password(name), 7000 + i)
                    .thenApply(d -> {
                        joins.since(t0);
                        return d;
                    }));
        }
        List<Device> joined = new ArrayList<>();
        for (CompletableFuture<Device> j : joining) {
            try {
                joined.add(j.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                result.problem("a device could not join: " + Device.describe(e));
            }
        }
        double joinSeconds = (System.nanoTime() - start) / 1e9;
        // Each server learns of the devices joined through the others from the cluster's events, a
        // moment after they joined: wait until the first device of each server sees them all.
        long settleEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < Math.min(nodes.size(), joined.size()); i++) {
            Device d = joined.get(i);
            while (d.listActive().get(60, TimeUnit.SECONDS).size() < joined.size() - 1
                    && System.nanoTime() < settleEnd) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
        Latencies aeds = new Latencies();
        boolean complete = true;
        try {
            List<CompletableFuture<Boolean>> asking = new ArrayList<>();
            for (Device d : joined) {
                asking.add(ask(d, asks, joined.size() - 1, aeds));
            }
            for (CompletableFuture<Boolean> a : asking) {
                complete &= a.get(60, TimeUnit.SECONDS);
            }
            if (!complete) {
                result.problem("an AED answer did not list every other joined device");
            }
        } finally {
            List<CompletableFuture<Void>> leaving = joined.stream().map(Device::leave).toList();
            CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        return new Run(joins, aeds, joinSeconds, joined.size(), complete);
    }

    /** {@code times} AED one after the other; true when every answer listed {@code others} devices. */
    private static CompletableFuture<Boolean> ask(Device d, int times, int others, Latencies aeds) {
        if (times == 0) {
            return CompletableFuture.completedFuture(true);
        }
        long t0 = System.nanoTime();
        return d.listActive().thenCompose(list -> {
            aeds.since(t0);
            boolean all = list.size() == others;
            return ask(d, times - 1, others, aeds).thenApply(rest -> all && rest);
        });
    }

    /** {@code loops} join/leave loops at once for {@code millis}, loop l on node l mod n; the first failure. */
    private static Throwable joinLeave(BenchContext ctx, List<InetSocketAddress> nodes, List<String> names, int loops,
                                       long millis, AtomicLong cycles) throws Exception {
        long end = System.nanoTime() + millis * 1_000_000;
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int l = 0; l < loops; l++) {
            running.add(cycle(ctx, nodes.get(l % nodes.size()),
                    names.subList(l * NAMES_PER_LOOP, (l + 1) * NAMES_PER_LOOP), 0, end, cycles));
        }
        Throwable failure = null;
        for (CompletableFuture<Void> f : running) {
            try {
                f.get(millis + 60_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                failure = failure == null ? e : failure;
            }
        }
        return failure;
    }

    private static CompletableFuture<Void> cycle(BenchContext ctx, InetSocketAddress node, List<String> names, int next,
                                                 long end, AtomicLong cycles) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        String name = names.get(next % names.size());
        return Device.join(ctx.group(), node, name, Workspace.password(name), 7000 + next % names.size())
                .thenCompose(Device::leave)
                .thenCompose(v -> {
                    cycles.incrementAndGet();
                    return cycle(ctx, node, names, next + 1, end, cycles);
                });
    }
}
