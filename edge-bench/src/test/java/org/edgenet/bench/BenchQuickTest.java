package org.edgenet.bench;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.report.Report;
import org.edgenet.bench.report.ScenarioResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/bench.sh --quick} as a test, so the benchmarks never rot: every scenario runs at
 * tiny sizes against real server JVMs, and the results must be complete and sane. Speed is never
 * asserted; only that counts add up, logs are right, nothing failed and every ratio is positive.
 */
class BenchQuickTest {
    @Test
    void everyScenarioCompletesWithSaneResultsAndWritesTheReport(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Report report;
        try (BenchContext ctx = new BenchContext(true, null, dir.resolve("work"), null, false)) {
            report = Bench.run(ctx, List.of(), new PrintStream(progress, true, StandardCharsets.UTF_8));
        }
        Map<String, ScenarioResult> byId = report.results().stream()
                .collect(Collectors.toMap(ScenarioResult::id, r -> r));
        assertEquals(Bench.ids(), report.results().stream().map(ScenarioResult::id).toList(), "every scenario ran");
        String problems = report.results().stream().flatMap(r -> r.problems().stream().map(p -> r.id() + ": " + p))
                .collect(Collectors.joining("\n"));
        assertTrue(problems.isEmpty(), "problems:\n" + problems);

        Map<String, Double> join = byId.get("join").metrics();
        assertEquals(10.0, join.get("join.10.joined"), "10 devices joined, logged, left");
        assertEquals(40.0, join.get("join.40.joined"), "40 devices joined, logged, left");
        assertTrue(join.get("join.40.seconds") > 0, "time to join measured");
        assertTrue(byId.get("joinleave").metrics().get("joinleave.cycles") > 0, "join/leave cycles completed");
        for (long samples : new long[] {1_000, 20_000}) {
            assertTrue(byId.get("ued").metrics().get("ued." + samples + ".ratio") > 0, "UED ratio for " + samples);
            assertTrue(byId.get("scs").metrics().get("scs." + samples + ".p50") > 0, "SCS latency for " + samples);
        }
        for (int loss = 0; loss < 3; loss++) {
            assertTrue(byId.get("uvf").metrics().get("uvf." + loss + ".mbps") > 0, "UVF goodput at loss " + loss);
            assertTrue(byId.get("uvf").metrics().get("uvf." + loss + ".blastArrived") > 0, "blast arrivals " + loss);
        }
        assertTrue(byId.get("uvf").metrics().get("uvf.direct.mbps") > 0, "UVF goodput without the relay");
        assertTrue(byId.get("uvf").metrics().get("uvf.direct.blastArrived") > 0, "blast arrivals without the relay");
        Map<String, Double> mixed = byId.get("mixed").metrics();
        assertTrue(mixed.get("mixed.commands") > 0, "mixed load ran commands");
        for (String c : List.of("AED", "UED", "SCS", "DTE", "LOOKUP")) {
            assertEquals(0.0, mixed.get("mixed." + c + ".errors"), c + " never failed");
        }
        assertTrue(byId.get("metrics").metrics().get("metrics.ratio") > 0, "mixed load with metrics on and off");
        Map<String, Double> messages = byId.get("messages").metrics();
        assertTrue(messages.get("messages.stored.rate") > 0, "messages stored");
        assertTrue(messages.get("messages.read.rate") > 0, "messages read");
        assertTrue(messages.get("messages.fsync.rate") > 0, "the fsync baseline ran");
        assertTrue(messages.get("messages.fdatasync.rate") > 0, "the fdatasync baseline ran");
        Map<String, Double> cluster = byId.get("cluster").metrics();
        for (String setup : List.of("alone", "3")) {
            assertEquals(12.0, cluster.get("cluster." + setup + ".joined"), "12 devices joined, " + setup);
            assertTrue(cluster.get("cluster." + setup + ".rate") > 0, "join/leave cycles completed, " + setup);
        }
        Map<String, Double> small = byId.get("small").metrics();
        for (int devices : new int[] {20, 50}) {
            assertTrue(small.get("small." + devices + ".rate") > 0, "small commands over " + devices + " devices");
            assertTrue(small.get("small." + devices + ".baseline") > 0, "plain round trips over " + devices);
        }
        for (ScenarioResult r : report.results()) {
            for (ScenarioResult.Ratio ratio : r.ratios()) {
                assertTrue(ratio.ratio().median() > 0, r.id() + ": " + ratio.what() + " is positive");
            }
        }

        Map<String, Double> start = byId.get("start").metrics();
        if (start.containsKey("start.one.wall")) {
            assertTrue(start.get("start.one.wall") > 0, "a device started and joined");
            assertTrue(start.get("start.many.wall") > 0, "devices started at once and all joined");
        } else {
            assertEquals(1, byId.get("start").notes().size(), "device start is skipped only with a note saying why");
        }

        Path md = report.write(dir.resolve("out"));
        String text = Files.readString(md);
        String json = Files.readString(dir.resolve("out").resolve(Report.RESULTS));
        for (ScenarioResult r : report.results()) {
            for (ScenarioResult.Figure f : r.figures()) {
                assertTrue(json.contains("\"" + f.key() + "\": {"), "results.json has " + f.key());
                assertTrue(text.contains("`" + f.key() + "`"), "the report documents " + f.key());
            }
        }
        assertTrue(json.contains("\"uvf.direct.mbps\": {") && json.contains("\"small.50.rate\": {"),
                "results.json has the new figures");
        for (String section : List.of("## 1. Joined devices", "## 2. Join/leave rate", "## 3. UED throughput",
                "## 4. SCS latency", "## 5. UVF goodput under loss", "## 6. Mixed load",
                "## 7. Device messages (MSG, RDM)", "## 8. Small commands, one in flight per device",
                "## 9. Device start", "## Summary")) {
            assertTrue(text.contains(section), "report has " + section);
        }
        for (String plot : List.of("aed-latency-vs-devices.png", "uvf-goodput-vs-loss.png", "ued-throughput.png")) {
            assertTrue(Files.size(dir.resolve("out/plots").resolve(plot)) > 1000, plot + " drawn");
            assertTrue(text.contains("(plots/" + plot + ")"), plot + " linked");
        }
    }
}
