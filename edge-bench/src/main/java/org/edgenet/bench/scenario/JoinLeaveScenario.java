package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.DeviceLog;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Latencies;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue item 2: devices join and leave in a loop from 64 concurrent connections. Each loop owns a
 * few device names and cycles through them: connect, log in, register UDP, then OUT and wait for
 * the server to close. Cycles per second, with join and leave latency p50/p99.
 */
public final class JoinLeaveScenario implements Scenario.Measurement {
    public static final String ID = "joinleave";
    /** Names per loop: a name is reused only after the loop has cycled through the others. */
    private static final int NAMES_PER_LOOP = 4;

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        int loops = ctx.pick(8, 64);
        long millis = ctx.pick(1_000L, 10_000L);
        long warmUpMillis = ctx.pick(500L, 3_000L);
        int repeats = ctx.repeats(3);
        Runs rate = new Runs();
        Runs join50 = new Runs();
        Runs join99 = new Runs();
        Runs leave50 = new Runs();
        Runs leave99 = new Runs();
        long totalCycles = 0;
        int logEmpty = 0;
        for (int r = 0; r < repeats; r++) {
            try (Workspace ws = ctx.workspace(ID, loops * NAMES_PER_LOOP);
                 ServerProcess server = ctx.startServer(ws, ID)) {
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
                // Untimed, as the join scenario warms its server up: a fresh JVM compiles the join
                // and leave paths during the first seconds, which no long-running server pays.
                Throwable warmUpFailure = loop(ctx, address, ws, loops, warmUpMillis, new Latencies(), new Latencies(),
                        new AtomicLong());
                if (warmUpFailure != null) {
                    result.problem("join/leave cycle failed during the warm-up: " + Device.describe(warmUpFailure));
                }
                Latencies joins = new Latencies();
                Latencies leaves = new Latencies();
                AtomicLong cycles = new AtomicLong();
                long start = System.nanoTime();
                Throwable failure = loop(ctx, address, ws, loops, millis, joins, leaves, cycles);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (failure != null) {
                    result.problem("join/leave cycle failed: " + Device.describe(failure));
                }
                rate.add(cycles.get() / seconds);
                totalCycles += cycles.get();
                join50.add(joins.p50());
                join99.add(joins.p99());
                leave50.add(leaves.p50());
                leave99.add(leaves.p99());
                // Every cycle ended with OUT, so the registry must be empty again.
                Optional<String> log = DeviceLog.await(() -> DeviceLog.check(ws.dir(), Map.of(), null), 30_000);
                log.ifPresent(p -> result.problem("after the join/leave loop: " + p));
                logEmpty += log.isEmpty() ? 1 : 0;
                result.serverTrouble(server.troubleLines());
            }
        }
        result.paragraph(String.format("%d loops run at once for %.0f s against a fresh server, after %.1f s of "
                + "the same untimed to warm it up; each cycles "
                + "through %d device names of its own: connect, login, register UDP (join latency), then OUT "
                + "until the server has closed the connection (leave latency). A cycle is one join plus one "
                + "leave. edge-device-log.txt must be empty at the end. %d run(s).", loops, millis / 1000.0, warmUpMillis / 1000.0,
                NAMES_PER_LOOP, repeats));
        Table t = result.table(new Table("Join/leave loop, " + loops + " connections", "cycles/s",
                "join p50 (ms)", "join p99 (ms)", "leave p50 (ms)", "leave p99 (ms)", "log empty at the end"));
        t.row(rate.format(0), join50.format(2), join99.format(2), leave50.format(2), leave99.format(2),
                logEmpty + " of " + repeats + " runs");
        result.summary("join+leave cycles/s (" + loops + " connections)", rate.format(0), "", "");
        result.summary("join / leave p99 in the loop (ms)", join99.format(1) + " / " + leave99.format(1), "", "");
        result.figure("joinleave.rate", "join+leave cycles per second", "1/s", rate.spread());
        result.figure("joinleave.joinP99", "join p99 in the join/leave loop", "ms", join99.spread());
        result.figure("joinleave.leaveP99", "leave p99 in the join/leave loop", "ms", leave99.spread());
        result.metric("joinleave.cycles", totalCycles);
        result.metric("joinleave.rate", rate.spread().median());
    }

    /**
     * Runs {@code loops} loops at once for {@code millis}; returns the first failure, which stops
     * them all, or null.
     */
    private static Throwable loop(BenchContext ctx, InetSocketAddress address, Workspace ws, int loops, long millis,
                                  Latencies joins, Latencies leaves, AtomicLong cycles) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + millis * 1_000_000;
        // Every loop runs on the event loop by itself; this thread only waits for all to stop.
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int l = 0; l < loops; l++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            running.add(done);
            cycle(ctx, address, ws.devices().subList(l * NAMES_PER_LOOP, (l + 1) * NAMES_PER_LOOP), 0, end,
                    joins, leaves, cycles, failure, done);
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(millis + 60_000,
                TimeUnit.MILLISECONDS);
        return failure.get();
    }

    /** One loop: join, leave, next name, until {@code end}; completes {@code done} when it stops. */
    private static void cycle(BenchContext ctx, InetSocketAddress address, List<String> names, int next, long end,
                              Latencies joins, Latencies leaves, AtomicLong cycles,
                              AtomicReference<Throwable> failure, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end || failure.get() != null) {
            done.complete(null);
            return;
        }
        String name = names.get(next % names.size());
        long t0 = System.nanoTime();
        Device.join(ctx.group(), address, name, Workspace.password(name), 7000 + next % names.size())
                .thenCompose(d -> {
                    long t1 = System.nanoTime();
                    joins.record(t1 - t0);
                    return d.leave().thenRun(() -> leaves.since(t1));
                })
                .whenComplete((v, e) -> {
                    // The first failure stops every loop: the rate of a broken server means nothing.
                    if (e != null) {
                        failure.compareAndSet(null, e);
                        done.complete(null);
                        return;
                    }
                    cycles.incrementAndGet();
                    cycle(ctx, address, names, next + 1, end, joins, leaves, cycles, failure, done);
                });
    }
}
