package org.edgenet.bench.scenario;

import org.edgenet.bench.baseline.TcpCopy;
import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.DataFiles;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.Chart;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Series;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Spread;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue item 3: UED of 1M, 10M and 100M samples, MB/s end to end (from the first byte sent to the
 * server's Uploaded reply, which comes after the file is checked, stored and logged), next to the
 * same bytes copied over a plain loopback TCP socket into a file in the same run.
 */
public final class UploadScenario implements Scenario.Measurement {
    public static final String ID = "ued";

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        List<Long> sizes = ctx.pick(List.of(1_000L, 20_000L), List.of(1_000_000L, 10_000_000L, 100_000_000L));
        int repeats = ctx.repeats(3);
        long timeout = ctx.pick(60L, 600L);
        Table t = result.table(new Table("Upload vs plain TCP copy", "samples", "file (MB)", "EdgeNet UED (MB/s)",
                "TCP copy (MB/s)", "ratio UED/TCP"));
        List<Double> x = new ArrayList<>();
        List<Spread> edge = new ArrayList<>();
        List<Spread> tcp = new ArrayList<>();
        int uploads = 0;
        try (Workspace ws = ctx.workspace(ID, 1);
             ServerProcess server = ctx.startServer(ws, ID)) {
            String name = ws.devices().get(0);
            Device device = Device.join(ctx.group(), new InetSocketAddress("127.0.0.1", server.port()), name,
                    Workspace.password(name), 9000).get(30, TimeUnit.SECONDS);
            // The copy lands beside the server's files, on the same file system, as a fair comparison.
            Path copy = ws.dir().resolve("tcp-copy.tmp");
            // One untimed upload and copy of the smallest file: the first measured run should not pay for the JIT.
            Path warm = ctx.data().samples(sizes.get(0)).file();
            device.upload(99, warm).get(timeout, TimeUnit.SECONDS);
            uploads++;
            TcpCopy.copy(warm, copy, timeout);
            List<DataFiles.Samples> files = new ArrayList<>();
            List<Runs> edgeRates = new ArrayList<>();
            List<Runs> tcpRates = new ArrayList<>();
            for (long samples : sizes) {
                files.add(ctx.data().samples(samples));
                edgeRates.add(new Runs());
                tcpRates.add(new Runs());
            }
            // Sizes take turns within each repeat, so a noisy minute on the machine spreads over all of them.
            for (int r = 0; r < repeats; r++) {
                for (int si = 0; si < sizes.size(); si++) {
                    DataFiles.Samples file = files.get(si);
                    long t0 = System.nanoTime();
                    long amount = device.upload(si, file.file()).get(timeout, TimeUnit.SECONDS);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    uploads++;
                    if (amount != sizes.get(si)) {
                        result.problem("UED of " + sizes.get(si) + " samples: the server counted " + amount);
                    }
                    // End to end: the clock includes the server's parse, store and log before its reply.
                    edgeRates.get(si).add(file.stats().bytes() / 1e6 / seconds);
                    tcpRates.get(si).add(TcpCopy.copy(file.file(), copy, timeout).megabytesPerSecond());
                    Files.deleteIfExists(copy);
                }
            }
            for (int si = 0; si < sizes.size(); si++) {
                long samples = sizes.get(si);
                Runs edgeRate = edgeRates.get(si);
                Runs tcpRate = tcpRates.get(si);
                Spread ratio = edgeRate.ratioTo(tcpRate);
                t.row(Runs.size(samples), Runs.mb(files.get(si).stats().bytes()), edgeRate.format(1), tcpRate.format(1),
                        ratio.format(3));
                x.add((double) samples);
                edge.add(edgeRate.spread());
                tcp.add(tcpRate.spread());
                result.ratio("UED " + Runs.size(samples) + " samples, MB/s vs plain TCP copy", ratio);
                result.summary("UED " + Runs.size(samples) + " samples (MB/s)", edgeRate.format(1),
                        tcpRate.format(1) + " (TCP copy)", ratio.format(3));
                result.figure("ued." + samples + ".mbps", "UED " + Runs.size(samples) + " samples vs TCP copy", "MB/s",
                        edgeRate.spread(), tcpRate.spread(), ratio);
                result.metric("ued." + samples + ".mbps", edgeRate.spread().median());
                result.metric("ued." + samples + ".ratio", ratio.median());
            }
            device.leave().get(30, TimeUnit.SECONDS);
            checkUploadLog(ws.dir(), name, uploads, result);
            result.serverTrouble(server.troubleLines());
        }
        result.paragraph(String.format("One device uploads each file with the client library (64 KiB chunks) to a "
                + "server in its own JVM; the clock runs from the first chunk to the server's reply, which comes "
                + "after it has parsed every line, stored the file and written upload-log.txt. The baseline sends "
                + "the same file over a plain loopback socket, 64 KiB at a time, into a file, and stops when the "
                + "receiver has closed it. Samples are random integers below 10^9, one per line (about 9.9 bytes "
                + "each). One untimed upload and copy of the smallest file come first. %d run(s) per size; sizes take turns "
                + "within each run, and each upload is followed by its TCP copy.", repeats));
        result.chart(new Chart("ued-throughput.png", "UED throughput vs file size", "samples (log scale)",
                "MB/s", true, List.of(new Series("EdgeNet UED", x, edge), new Series("plain TCP copy", x, tcp))));
    }

    /** upload-log.txt must have a line per upload, naming the device. */
    static void checkUploadLog(Path dir, String device, int uploads, ScenarioResult result) throws IOException {
        Path log = dir.resolve("upload-log.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long lines = 0;
        while (System.nanoTime() < deadline) {
            lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> device == null || l.startsWith(device + "; ")).count() : 0;
            if (lines == uploads) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        result.problem("upload-log.txt has " + lines + " lines for " + uploads + " uploads");
    }
}
