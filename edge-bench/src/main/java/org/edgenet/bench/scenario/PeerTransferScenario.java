package org.edgenet.bench.scenario;

import org.edgenet.bench.baseline.TcpCopy;
import org.edgenet.bench.baseline.UdpBlast;
import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.KernelCounters;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.Chart;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Series;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Spread;
import org.edgenet.client.p2p.PeerNode;
import org.edgenet.client.p2p.PeerOptions;
import org.edgenet.client.p2p.TransferEvents;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.testing.DatagramRelay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Issue item 5: UVF goodput for one file at 0 %, 1 % and 5 % loss through a seeded lossy relay,
 * next to two baselines from the same run: an unreliable UDP blast of the same bytes through the
 * same relay (what arrived, how fast) and the plain TCP copy; then a 1 MB file at the same losses,
 * where one lost datagram weighs most. The received file must be byte-identical every time. The
 * scenario plays the server's part in UVF: it issues each transfer's ticket to both nodes.
 */
public final class PeerTransferScenario implements Scenario.Measurement {
    public static final String ID = "uvf";
    /** Datagram payload of the blast: the payload UVF itself uses towards an address of this machine. */
    static final int BLAST_PAYLOAD = PeerOptions.DEFAULTS.maxLocalPayload();
    private static final String PRESENTER = "bench-presenter";
    private static final long SMALL_FILE = 1_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        long bytes = ctx.pick(1_000_000L, 100_000_000L);
        double[] losses = {0, 0.01, 0.05};
        int repeats = ctx.repeats(3);
        long timeout = ctx.pick(60L, 180L);
        Path source = ctx.data().binary(bytes);
        Path dir = Files.createTempDirectory(ctx.work(), "uvf-");
        Path audienceDir = Files.createDirectories(dir.resolve("audience"));
        Path presenterDir = Files.createDirectories(dir.resolve("presenter"));
        // Where UVF stores what it receives (R-UVF-3): the presenter's name, an underscore, the file name.
        Path stored = audienceDir.resolve(PRESENTER + "_" + source.getFileName());
        Table t = result.table(new Table("UVF vs UDP blast vs TCP copy, " + Runs.mb(bytes) + " MB", "loss",
                "UVF goodput (MB/s)", "kernel UDP drops during UVF", "UDP blast arrived (%)", "UDP blast (MB/s)",
                "TCP copy (MB/s)", "UVF/blast", "UVF/TCP"));
        List<Double> x = new ArrayList<>();
        List<Spread> uvfSeries = new ArrayList<>();
        List<Spread> blastSeries = new ArrayList<>();
        List<Spread> tcpSeries = new ArrayList<>();
        // Completion is read from the presenter's future and the stored file; the events add nothing here.
        TransferEvents quiet = new TransferEvents() {
            @Override
            public void received(String fileName, String presenter, Path file) {
            }
        };
        try (PeerNode audience = PeerNode.bind(ctx.group(), 0, audienceDir, quiet);
             PeerNode presenter = PeerNode.bind(ctx.group(), 0, presenterDir, quiet)) {
            Nodes nodes = new Nodes(audience, presenter);
            warmUp(nodes, source, stored, timeout);
            Level[] levels = new Level[losses.length];
            for (int li = 0; li < losses.length; li++) {
                levels[li] = new Level(losses[li]);
            }
            // Loss rates take turns within each repeat, so a noisy minute on the machine spreads over all of them.
            for (int r = 0; r < repeats; r++) {
                for (int li = 0; li < levels.length; li++) {
                    Level level = levels[li];
                    if (!level.failed) {
                        measure(level, 1000L * li + r, source, stored, nodes, dir, bytes, timeout, result);
                    }
                }
            }
            for (int li = 0; li < levels.length; li++) {
                Level level = levels[li];
                String label = String.format(Locale.ROOT, "%.0f %%", level.loss * 100);
                Spread toBlast = level.uvf.ratioTo(level.blastRate);
                Spread toTcp = level.uvf.ratioTo(level.tcp);
                t.row(label, level.uvf.format(1), level.kernelDrops.format(0), level.blastArrived.format(1),
                        level.blastRate.format(1), level.tcp.format(1), toBlast.format(3), toTcp.format(3));
                x.add(level.loss * 100);
                uvfSeries.add(level.uvf.spread());
                blastSeries.add(level.blastRate.spread());
                tcpSeries.add(level.tcp.spread());
                result.ratio("UVF at " + label + " loss, goodput vs UDP blast", toBlast);
                result.ratio("UVF at " + label + " loss, goodput vs TCP copy", toTcp);
                result.summary("UVF " + Runs.mb(bytes) + " MB at " + label + " loss (MB/s)", level.uvf.format(1),
                        level.blastRate.format(1) + " (UDP blast, " + level.blastArrived.format(0) + " % arrived)",
                        toBlast.format(3));
                result.summary("UVF at " + label + " loss vs TCP copy (MB/s)", level.uvf.format(1),
                        level.tcp.format(1) + " (TCP copy)", toTcp.format(3));
                String key = String.format(Locale.ROOT, "uvf.loss%.0f", level.loss * 100);
                result.figure(key + ".vsBlast", "UVF " + Runs.mb(bytes) + " MB at " + label + " loss vs UDP blast, "
                        + "through the relay", "MB/s", level.uvf.spread(), level.blastRate.spread(), toBlast);
                result.figure(key + ".vsTcp", "UVF " + Runs.mb(bytes) + " MB at " + label + " loss vs TCP copy, "
                        + "through the relay", "MB/s", level.uvf.spread(), level.tcp.spread(), toTcp);
                result.metric("uvf." + li + ".mbps", level.uvf.spread().median());
                result.metric("uvf." + li + ".blastArrived", level.blastArrived.spread().median());
            }
            direct(result, levels[0], bytes);
            smallFile(ctx, nodes, dir, losses, timeout, result);
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
                + "them, with no acknowledgements: its MB/s counts only what arrived. The TCP copy has no loss. Kernel UDP drops are "
                + "datagrams the kernel discarded because a socket's receive buffer was full (Udp RcvbufErrors "
                + "of /proc/net/snmp, machine-wide) while UVF ran: loss on top of the injected loss. "
                + "Eight untimed transfers of the same file (lossless and 1 %% loss, four times each) warm up first, "
                + "as the JIT compiles the AES-GCM path late; loss rates "
                + "take turns within each repeat. At 0 %% loss each repeat also sends the file straight to the "
                + "audience's socket and blasts it straight to its receiver, without the relay, whose hop (one more "
                + "socket and thread for every datagram, both ways) is not part of UVF. "
                + "%d run(s) per loss rate. Each transfer runs under a fresh ticket held by both nodes, as the "
                + "server issues them, so every datagram is sealed (AES-GCM) and checked. The second table sends a "
                + "1 MB file many times at each loss rate through one relay: a file of a few windows, where a lost "
                + "datagram near its end costs a probe rather than a retransmission time-out.",
                Runs.mb(bytes), BLAST_PAYLOAD, repeats));
        result.chart(new Chart("uvf-goodput-vs-loss.png", "Goodput vs loss (" + Runs.mb(bytes) + " MB)",
                "injected loss (%)", "MB/s", false, List.of(new Series("EdgeNet UVF", x, uvfSeries),
                        new Series("UDP blast, same relay (arrived)", x, blastSeries),
                        new Series("plain TCP copy (no relay, no loss)", x, tcpSeries))));
    }

    /** The table and figures of UVF and the blast without the relay, beside the same run's relayed figures. */
    private static void direct(ScenarioResult result, Level level, long bytes) {
        Table t = result.table(new Table("Without the relay: UVF and UDP blast straight over loopback, "
                + Runs.mb(bytes) + " MB, no loss", "path", "UVF goodput (MB/s)", "UDP blast (MB/s)",
                "UDP blast arrived (%)", "TCP copy (MB/s)", "UVF/blast", "UVF/TCP"));
        Spread directToBlast = level.uvfDirect.ratioTo(level.blastDirect);
        Spread directToTcp = level.uvfDirect.ratioTo(level.tcp);
        t.row("through the relay", level.uvf.format(1), level.blastRate.format(1), level.blastArrived.format(1),
                level.tcp.format(1), level.uvf.ratioTo(level.blastRate).format(3), level.uvf.ratioTo(level.tcp).format(3));
        t.row("straight over loopback", level.uvfDirect.format(1), level.blastDirect.format(1),
                level.blastDirectArrived.format(1), level.tcp.format(1), directToBlast.format(3), directToTcp.format(3));
        result.ratio("UVF without the relay, goodput vs TCP copy", directToTcp);
        result.summary("UVF " + Runs.mb(bytes) + " MB without the relay (MB/s)", level.uvfDirect.format(1),
                level.tcp.format(1) + " (TCP copy)", directToTcp.format(3));
        result.summary("UDP blast without the relay (MB/s)", level.blastDirect.format(1),
                level.blastDirectArrived.format(0) + " % arrived", "");
        result.figure("uvf.direct.mbps", "UVF without the relay vs TCP copy", "MB/s", level.uvfDirect.spread(),
                level.tcp.spread(), directToTcp);
        result.figure("uvf.direct.vsBlast", "UVF without the relay vs UDP blast without the relay", "MB/s",
                level.uvfDirect.spread(), level.blastDirect.spread(), directToBlast);
        result.figure("uvf.direct.blastArrived", "UDP blast without the relay: share arrived", "%",
                level.blastDirectArrived.spread());
        result.metric("uvf.direct.mbps", level.uvfDirect.spread().median());
        result.metric("uvf.direct.blastArrived", level.blastDirectArrived.spread().median());
    }

    /** What one loss rate measured across repeats. */
    private static final class Level {
        final double loss;
        final Runs uvf = new Runs();
        final Runs kernelDrops = new Runs();
        final Runs blastRate = new Runs();
        final Runs blastArrived = new Runs();
        final Runs tcp = new Runs();
        /** Without the relay, measured at 0 % loss only: UVF and the blast straight over loopback. */
        final Runs uvfDirect = new Runs();
        final Runs blastDirect = new Runs();
        final Runs blastDirectArrived = new Runs();
        boolean failed;

        Level(double loss) {
            this.loss = loss;
        }
    }

    /** The two peer nodes, and the server's part: a fresh ticket for each transfer, held by both. */
    private record Nodes(PeerNode audience, PeerNode presenter) {
        InetSocketAddress audienceAddress() {
            return new InetSocketAddress("127.0.0.1", audience.udpPort());
        }

        /** Sends {@code file} through {@code relay} under a ticket the audience already holds. */
        void send(DatagramRelay relay, Path file, long timeoutSeconds) throws Exception {
            send(relay.address(), file, timeoutSeconds);
        }

        /** Sends {@code file} to {@code to}: the relay, or the audience itself. */
        void send(InetSocketAddress to, Path file, long timeoutSeconds) throws Exception {
            byte[] key = new byte[Ticket.KEY_LENGTH];
            RANDOM.nextBytes(key);
            Ticket ticket = new Ticket(RANDOM.nextLong(), DeviceName.of(PRESENTER), DeviceName.of("bench-audience"), key,
                    Duration.ofSeconds(30));
            audience.admit(ticket);
            presenter.send(to, file, ticket).get(timeoutSeconds, TimeUnit.SECONDS);
        }
    }

    /**
     * A 1 MB file at each loss, many times: it fits in about two windows, so one loss near its end
     * shows whether the presenter probes the tail or waits a whole time-out.
     */
    private static void smallFile(BenchContext ctx, Nodes nodes, Path dir, double[] losses, long timeout,
                                  ScenarioResult result) throws Exception {
        Path source = ctx.data().binary(SMALL_FILE);
        Path stored = dir.resolve("audience").resolve(PRESENTER + "_" + source.getFileName());
        int repeats = ctx.quick() ? 5 : 30;
        Table t = result.table(new Table("UVF, " + Runs.mb(SMALL_FILE) + " MB file, " + repeats + " runs per loss",
                "loss", "UVF goodput (MB/s)", "vs lossless"));
        Runs lossless = null;
        for (int li = 0; li < losses.length; li++) {
            Runs runs = new Runs();
            try (DatagramRelay relay = DatagramRelay.start(nodes.audienceAddress(), lossOnly(losses[li]), 500 + li)) {
                for (int r = 0; r < repeats; r++) {
                    Files.deleteIfExists(stored);
                    long t0 = System.nanoTime();
                    nodes.send(relay, source, timeout);
                    runs.add(SMALL_FILE / 1e6 / ((System.nanoTime() - t0) / 1e9));
                    if (Files.mismatch(source, stored) != -1) {
                        result.problem("UVF of the 1 MB file: the received file differs from the one sent");
                    }
                }
            }
            if (li == 0) {
                lossless = runs;
            }
            String label = String.format(Locale.ROOT, "%.0f %%", losses[li] * 100);
            double ratio = runs.spread().median() / lossless.spread().median();
            t.row(label, runs.format(1), String.format(Locale.ROOT, "%.2f", ratio));
            result.metric("uvf.small." + li + ".mbps", runs.spread().median());
            if (li > 0) {
                result.summary("UVF " + Runs.mb(SMALL_FILE) + " MB at " + label + " loss (MB/s)", runs.format(1),
                        lossless.format(1) + " (lossless)", String.format(Locale.ROOT, "%.2f", ratio));
            }
        }
        Files.deleteIfExists(stored);
    }

    /** One UVF transfer at the level's loss, then its two baselines, each with the same bytes. */
    private static void measure(Level level, long seed, Path source, Path stored, Nodes nodes, Path dir, long bytes,
                                long timeout, ScenarioResult result) throws Exception {
        double loss = level.loss;
        Files.deleteIfExists(stored);
        try (DatagramRelay relay = DatagramRelay.start(nodes.audienceAddress(), lossOnly(loss), seed)) {
            long drops0 = KernelCounters.udpReceiveBufferErrors();
            long t0 = System.nanoTime();
            nodes.send(relay, source, timeout);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long drops1 = KernelCounters.udpReceiveBufferErrors();
            level.kernelDrops.add(drops0 < 0 || drops1 < 0 ? Double.NaN : drops1 - drops0);
            if (!Files.exists(stored) || Files.mismatch(source, stored) != -1) {
                result.problem(String.format(Locale.ROOT, "UVF at %.0f%% loss: the received file differs "
                        + "from the one sent", loss * 100));
            }
            level.uvf.add(bytes / 1e6 / seconds);
        } catch (TimeoutException e) {
            result.problem(String.format(Locale.ROOT, "UVF at %.0f%% loss did not finish within %d s",
                    loss * 100, timeout));
            level.failed = true;
            return;
        } catch (java.util.concurrent.ExecutionException e) {
            result.problem(String.format(Locale.ROOT, "UVF at %.0f%% loss failed: %s", loss * 100,
                    Device.describe(e)));
            level.failed = true;
            return;
        }
        Files.deleteIfExists(stored);
        UdpBlast.Result blast = blast(source, dir.resolve("blast.tmp"), loss, seed);
        level.blastRate.add(blast.megabytesPerSecond());
        level.blastArrived.add(blast.arrivedFraction() * 100);
        level.tcp.add(TcpCopy.copy(source, dir.resolve("tcp.tmp"), timeout).megabytesPerSecond());
        Files.deleteIfExists(dir.resolve("tcp.tmp"));
        Files.deleteIfExists(dir.resolve("blast.tmp"));
        if (loss == 0) {
            direct(level, source, stored, nodes, dir, bytes, timeout, result);
        }
    }

    /** UVF and the blast straight to the receiving socket over loopback: what the relay's hop costs. */
    private static void direct(Level level, Path source, Path stored, Nodes nodes, Path dir, long bytes, long timeout,
                               ScenarioResult result) throws Exception {
        Files.deleteIfExists(stored);
        long t0 = System.nanoTime();
        nodes.send(nodes.audienceAddress(), source, timeout);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!Files.exists(stored) || Files.mismatch(source, stored) != -1) {
            result.problem("UVF without the relay: the received file differs from the one sent");
        }
        level.uvfDirect.add(bytes / 1e6 / seconds);
        Files.deleteIfExists(stored);
        Path target = dir.resolve("blast.tmp");
        UdpBlast.Result blast;
        try (UdpBlast.Receiver receiver = new UdpBlast.Receiver(target)) {
            blast = UdpBlast.blast(source, receiver, receiver.address(), BLAST_PAYLOAD);
        }
        level.blastDirect.add(blast.megabytesPerSecond());
        level.blastDirectArrived.add(blast.arrivedFraction() * 100);
        Files.deleteIfExists(target);
    }

    /**
     * Eight untimed transfers of the measured file (lossless and 1 % loss, four times each), so that no loss
     * rate's first run pays for the JIT or for the page cache: smaller warm-ups proved too short. The
     * JDK compiles its AES-GCM path to the CPU's AES and carry-less multiply instructions only after
     * some hundreds of megabytes; before that, sealing costs several times more.
     */
    private static void warmUp(Nodes nodes, Path source, Path stored, long timeout) throws Exception {
        for (int i = 0; i < 8; i++) {
            try (DatagramRelay relay = DatagramRelay.start(nodes.audienceAddress(), lossOnly(0.01 * (i % 2)), 99 + i)) {
                nodes.send(relay, source, timeout);
            }
            Files.deleteIfExists(stored);
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
