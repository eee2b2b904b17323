package org.edgenet.bench.scenario;

import org.edgenet.bench.baseline.TcpCopy;
import org.edgenet.bench.baseline.UdpBlast;
import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.LineChart;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Series;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Spread;
import org.edgenet.client.p2p.PeerNode;
import org.edgenet.client.p2p.PeerOptions;
import org.edgenet.client.p2p.TransferEvents;
import org.edgenet.common.testing.DatagramRelay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Issue item 5: UVF goodput for one file at 0 %, 1 % and 5 % loss through a seeded lossy relay,
 * next to two baselines from the same run: an unreliable UDP blast of the same bytes through the
 * same relay (what arrived, how fast) and the plain TCP copy. The received file must be
 * byte-identical every time.
 */
public final class PeerTransferScenario implements Scenario {
    public static final String ID = "uvf";
    /** Datagram payload of the blast: the payload UVF itself uses towards an address of this machine. */
    static final int BLAST_PAYLOAD = PeerOptions.DEFAULTS.maxLocalPayload();
    private static final String PRESENTER = "bench-presenter";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult result = new ScenarioResult(ID, "5. UVF goodput under loss", Scenario.command(ID, ctx));
        long bytes = ctx.pick(1_000_000L, 100_000_000L);
        double[] losses = {0, 0.01, 0.05};
        int repeats = ctx.repeats(3);
        long timeout = ctx.pick(60L, 180L);
        Path source = ctx.data().binary(bytes);
        Path dir = Files.createTempDirectory(ctx.work(), "uvf-");
        Path audienceDir = Files.createDirectories(dir.resolve("audience"));
        Path presenterDir = Files.createDirectories(dir.resolve("presenter"));
        Path stored = audienceDir.resolve(PRESENTER + "_" + source.getFileName());
        Table t = result.table(new Table("UVF vs UDP blast vs TCP copy, " + Runs.mb(bytes) + " MB", "loss",
                "UVF goodput (MB/s)", "UDP blast arrived (%)", "UDP blast (MB/s)", "TCP copy (MB/s)", "UVF/blast",
                "UVF/TCP"));
        List<Double> x = new ArrayList<>();
        List<Spread> uvfSeries = new ArrayList<>();
        List<Spread> blastSeries = new ArrayList<>();
        List<Spread> tcpSeries = new ArrayList<>();
        TransferEvents quiet = new TransferEvents() {
            @Override
            public void received(String fileName, String presenter, Path file) {
            }
        };
        try (PeerNode audience = PeerNode.bind(ctx.group(), 0, audienceDir, quiet);
             PeerNode presenter = PeerNode.bind(ctx.group(), 0, presenterDir, quiet)) {
            InetSocketAddress audienceAddress = new InetSocketAddress("127.0.0.1", audience.udpPort());
            warmUp(ctx, presenter, audienceAddress, stored, timeout);
            for (int li = 0; li < losses.length; li++) {
                double loss = losses[li];
                Runs uvf = new Runs();
                Runs blastRate = new Runs();
                Runs blastArrived = new Runs();
                Runs tcp = new Runs();
                for (int r = 0; r < repeats; r++) {
                    long seed = 1000L * li + r;
                    Files.deleteIfExists(stored);
                    try (DatagramRelay relay = DatagramRelay.start(audienceAddress, lossOnly(loss), seed)) {
                        long t0 = System.nanoTime();
                        presenter.send(relay.address(), source, PRESENTER).get(timeout, TimeUnit.SECONDS);
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (!Files.exists(stored) || Files.mismatch(source, stored) != -1) {
                            result.problem(String.format(Locale.ROOT, "UVF at %.0f%% loss: the received file differs "
                                    + "from the one sent", loss * 100));
                        }
                        uvf.add(bytes / 1e6 / seconds);
                    } catch (TimeoutException e) {
                        result.problem(String.format(Locale.ROOT, "UVF at %.0f%% loss did not finish within %d s",
                                loss * 100, timeout));
                        break;
                    } catch (java.util.concurrent.ExecutionException e) {
                        result.problem(String.format(Locale.ROOT, "UVF at %.0f%% loss failed: %s", loss * 100,
                                Device.describe(e)));
                        break;
                    }
                    Files.deleteIfExists(stored);
                    UdpBlast.Result blast = blast(source, dir.resolve("blast.tmp"), loss, seed);
                    blastRate.add(blast.megabytesPerSecond());
                    blastArrived.add(blast.arrivedFraction() * 100);
                    tcp.add(TcpCopy.copy(source, dir.resolve("tcp.tmp"), timeout).megabytesPerSecond());
                    Files.deleteIfExists(dir.resolve("tcp.tmp"));
                    Files.deleteIfExists(dir.resolve("blast.tmp"));
                }
                String label = String.format(Locale.ROOT, "%.0f %%", loss * 100);
                Spread toBlast = uvf.ratioTo(blastRate);
                Spread toTcp = uvf.ratioTo(tcp);
                t.row(label, uvf.format(1), blastArrived.format(1), blastRate.format(1), tcp.format(1),
                        toBlast.format(3), toTcp.format(3));
                x.add(loss * 100);
                uvfSeries.add(uvf.spread());
                blastSeries.add(blastRate.spread());
                tcpSeries.add(tcp.spread());
                result.ratio("UVF at " + label + " loss, goodput vs UDP blast", toBlast);
                result.ratio("UVF at " + label + " loss, goodput vs TCP copy", toTcp);
                result.summary("UVF " + Runs.mb(bytes) + " MB at " + label + " loss (MB/s)", uvf.format(1),
                        blastRate.format(1) + " (UDP blast, " + blastArrived.format(0) + " % arrived)",
                        toBlast.format(3));
                result.summary("UVF at " + label + " loss vs TCP copy (MB/s)", uvf.format(1), tcp.format(1) + " (TCP copy)",
                        toTcp.format(3));
                result.metric("uvf." + li + ".mbps", uvf.spread().median());
                result.metric("uvf." + li + ".blastArrived", blastArrived.spread().median());
            }
        } finally {
            deleteTree(dir);
        }
        result.paragraph(String.format(Locale.ROOT, "Two peer nodes of the client library in the load-generator JVM "
                + "(one presenter, one audience) send a %s MB random binary file through the fault-injecting UDP "
                + "relay of UVF's own tests, set to drop the given share of datagrams in both directions and "
                + "nothing else (seeded, so runs repeat exactly). Goodput is "
                + "file bytes over the time from send() to the presenter's completion, after the audience "
                + "confirmed the checksum; the stored file is compared byte for byte. The UDP blast sends the same "
                + "bytes through a relay with the same loss in %d-byte datagrams as fast as the socket takes "
                + "them, with no acknowledgements: its MB/s counts only what arrived. The TCP copy has no loss. "
                + "Two untimed 1 %%-loss transfers of a tenth of the size warm the JIT up first. "
                + "%d run(s) per loss rate.", Runs.mb(bytes), BLAST_PAYLOAD, repeats));
        result.chart(new LineChart("uvf-goodput-vs-loss.png", "Goodput vs loss (" + Runs.mb(bytes) + " MB)",
                "injected loss (%)", "MB/s", false, List.of(new Series("EdgeNet UVF", x, uvfSeries),
                        new Series("UDP blast (arrived)", x, blastSeries), new Series("plain TCP copy", x, tcpSeries))));
        return result;
    }

    /** Two untimed transfers of a tenth of the file, so the first measured one does not pay for the JIT. */
    private static void warmUp(BenchContext ctx, PeerNode presenter, InetSocketAddress audience, Path stored,
                               long timeout) throws Exception {
        Path small = ctx.data().binary(ctx.pick(100_000L, 10_000_000L));
        Path storedSmall = stored.resolveSibling(PRESENTER + "_" + small.getFileName());
        for (int i = 0; i < 2; i++) {
            try (DatagramRelay relay = DatagramRelay.start(audience, lossOnly(0.01), 99 + i)) {
                presenter.send(relay.address(), small, PRESENTER).get(timeout, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(storedSmall);
        }
    }

    /** Loss alone, no duplicates or reordering: the measured cost is that of loss. */
    private static DatagramRelay.Faults lossOnly(double loss) {
        return new DatagramRelay.Faults(loss, 0, 0, Duration.ZERO);
    }

    private static UdpBlast.Result blast(Path source, Path target, double loss, long seed)
            throws IOException, InterruptedException {
        try (UdpBlast.Receiver receiver = new UdpBlast.Receiver(target);
             DatagramRelay relay = DatagramRelay.start(receiver.address(), lossOnly(loss), seed)) {
            return UdpBlast.blast(source, receiver, relay.address(), BLAST_PAYLOAD);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
