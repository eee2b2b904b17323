package org.edgenet.bench.scenario;

import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Spread;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Issue 14 item 5: how long a device takes from process start to the server's welcome with a piped
 * login, and what it costs in CPU and memory, started as people start it (scripts/run-client.sh);
 * once alone and then many at once, all of which must join. The baseline is {@code java -version}
 * started the same way in the same run: the least any JVM costs. GNU time measures CPU and peak RSS.
 */
public final class DeviceStartScenario implements Scenario.Measurement {
    public static final String TITLE = "9. Device start";
    public static final String ID = "start";
    private static final Path TIME = Path.of("/usr/bin/time");
    private static final String WELCOME = "Welcome to the edge network";
    private static final long TIMEOUT_SECONDS = 300;

    /** What one way of starting measured across repeats; per process unless it says batch. */
    private static final class Way {
        final String label;
        final Runs wall = new Runs();
        final Runs cpu = new Runs();
        final Runs rss = new Runs();

        Way(String label) {
            this.label = label;
        }
    }

    /** One process's figures: seconds to welcome (or to exit), CPU seconds of its whole life, peak RSS. */
    private record Measured(double wall, double cpu, double rssMb) {
    }

    /** Fills {@code result} with what this scenario measured, its notes and its problems. */
    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        Optional<Path> root = projectRoot();
        if (root.isEmpty() || !Files.isExecutable(TIME)) {
            result.note(root.isEmpty() ? "device start skipped: scripts/run-client.sh and a built edge-client jar "
                    + "were not found above the working directory" : "device start skipped: " + TIME + " (GNU time) "
                    + "is missing");
            return;
        }
        Path script = root.get().resolve("scripts/run-client.sh");
        Path jar = root.get().resolve("edge-client/target/edge-client-app.jar");
        int many = ctx.pick(3, 50);
        int repeats = ctx.repeats(5);
        int batchRepeats = ctx.repeats(3);
        Path dir = Files.createTempDirectory(ctx.work(), "start-");
        Way version = new Way("`java -version` (baseline)");
        Way device = new Way("device, `scripts/run-client.sh`");
        Way plainJar = new Way("device, plain `java -jar` (no start options)");
        Way versionMany = new Way(many + " × `java -version` at once (baseline)");
        Way deviceMany = new Way(many + " devices at once, `scripts/run-client.sh`");
        boolean archiveBefore = Files.exists(Path.of(jar.toString().replace(".jar", ".jsa")));
        try (Workspace ws = ctx.workspace(ID, many);
             ServerProcess server = ctx.startServer(ws, ID)) {
            Launcher launcher = new Launcher(script, jar, server.port(), ws, dir);
            // Untimed: records the class data sharing archive when there is none, and fills the page cache.
            launcher.deviceBatch(1, false);
            for (int r = 0; r < repeats; r++) {
                add(version, launcher.versionBatch(1));
                add(device, launcher.deviceBatch(1, false));
                add(plainJar, launcher.deviceBatch(1, true));
            }
            for (int r = 0; r < batchRepeats; r++) {
                add(versionMany, launcher.versionBatch(many));
                add(deviceMany, launcher.deviceBatch(many, false));
            }
            for (String line : server.troubleLines()) {
                result.problem("server console: " + line);
            }
        } catch (IllegalStateException e) {
            result.problem(e.getMessage());
            return;
        } finally {
            deleteTree(dir);
        }
        Table t = result.table(new Table("Start to welcome (piped login)", "how", "wall time (s)",
                "CPU (s per process)", "peak RSS (MB per process)", "wall vs baseline", "CPU vs baseline",
                "RSS vs baseline"));
        row(t, version, version);
        row(t, device, version);
        row(t, plainJar, version);
        row(t, versionMany, versionMany);
        row(t, deviceMany, versionMany);
        figures(result, "start.one", "device start to welcome, one process", device, version);
        figures(result, "start.many", many + " devices started at once, all joined", deviceMany, versionMany);
        figures(result, "start.plain", "device start to welcome, plain java -jar", plainJar, version);
        result.metric("start.one.wall", device.wall.spread().median());
        result.metric("start.many.wall", deviceMany.wall.spread().median());
        result.paragraph(String.format(Locale.ROOT, "A device is a JVM per device, so its start is part of the "
                + "product. Each device is started by `scripts/run-client.sh` (which starts the JVM with C1 only, "
                + "a small heap and the class data sharing archive it records on first use; the archive %s before "
                + "this run) in its own directory with the three arguments alone and its login piped in, against a "
                + "running server; wall time runs from the start of "
                + "the process to the server's welcome on its console. Then it is sent OUT, and GNU time gives "
                + "the CPU seconds of its whole life (start, login, OUT, exit) and its peak RSS. The baseline is "
                + "`java -version`, started and measured the same way; its wall time runs to its exit. The same "
                + "device started with plain `java -jar` and no options shows what the script's options save. "
                + "For %d at once, wall time runs from the first start to the last welcome (every one must join), "
                + "CPU and RSS are the median process. %d run(s) alone, %d run(s) at once; one untimed start "
                + "first. Ratios are baseline / device (below 1: the device costs more).",
                archiveBefore ? "existed" : "did not exist", many, repeats, batchRepeats));
    }

    private static void add(Way way, List<Measured> batch) {
        double wall = 0;
        double[] cpu = new double[batch.size()];
        double[] rss = new double[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            wall = Math.max(wall, batch.get(i).wall());
            cpu[i] = batch.get(i).cpu();
            rss[i] = batch.get(i).rssMb();
        }
        way.wall.add(wall);
        way.cpu.add(Spread.of(cpu).median());
        way.rss.add(Spread.of(rss).median());
    }

    private static void row(Table t, Way way, Way baseline) {
        boolean self = way == baseline;
        t.row(way.label, way.wall.format(2), way.cpu.format(2), way.rss.format(0),
                self ? "" : baseline.wall.ratioTo(way.wall).format(2), self ? "" : baseline.cpu.ratioTo(way.cpu).format(2),
                self ? "" : baseline.rss.ratioTo(way.rss).format(2));
    }

    private static void figures(ScenarioResult result, String key, String label, Way way, Way baseline) {
        Spread wallRatio = baseline.wall.ratioTo(way.wall);
        result.figure(key + ".wall", label + ": wall time", "s", way.wall.spread(), baseline.wall.spread(), wallRatio);
        result.figure(key + ".cpu", label + ": CPU per process", "s", way.cpu.spread(), baseline.cpu.spread(),
                baseline.cpu.ratioTo(way.cpu));
        result.figure(key + ".rss", label + ": peak RSS per process", "MB", way.rss.spread(), baseline.rss.spread(),
                baseline.rss.ratioTo(way.rss));
        if (!key.equals("start.plain")) {
            result.summary(label + ": wall / CPU / RSS", way.wall.format(2) + " s / " + way.cpu.format(2) + " s / "
                    + way.rss.format(0) + " MB", baseline.wall.format(2) + " s / " + baseline.cpu.format(2) + " s / "
                    + baseline.rss.format(0) + " MB (java -version)", wallRatio.format(2));
            result.ratio(label + ", wall time vs java -version", wallRatio);
        }
    }

    /** The directory above the working directory that holds scripts/run-client.sh and the client jar. */
    static Optional<Path> projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/run-client.sh"))
                    && Files.isRegularFile(p.resolve("edge-client/target/edge-client-app.jar"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts batches of processes and measures each; every failure is an IllegalStateException. */
    private static final class Launcher {
        private final Path script;
        private final Path jar;
        private final int port;
        private final Workspace ws;
        private final Path dir;
        private int counter;

        Launcher(Path script, Path jar, int port, Workspace ws, Path dir) {
            this.script = script;
            this.jar = jar;
            this.port = port;
            this.ws = ws;
            this.dir = dir;
        }

        List<Measured> versionBatch(int n) throws Exception {
            List<Process> processes = new ArrayList<>();
            List<Path> times = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Path time = dir.resolve("time-" + counter++);
                times.add(time);
                processes.add(timed(time, List.of("java", "-version")).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            List<Measured> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Process p = processes.get(i);
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    stop(p);
                    throw new IllegalStateException("java -version did not end well");
                }
                out.add(read(times.get(i), (System.nanoTime() - t0) / 1e9));
            }
            return out;
        }

        /** Starts {@code n} devices at once, each logging in as its own device; all must be welcomed. */
        List<Measured> deviceBatch(int n, boolean plain) throws Exception {
            List<Process> processes = new ArrayList<>();
            List<Path> times = new ArrayList<>();
            List<CompletableFuture<Long>> welcomes = new ArrayList<>();
            List<Integer> ports = freeUdpPorts(n);
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < n; i++) {
                    String name = ws.devices().get(i);
                    Path home = Files.createDirectories(dir.resolve("device-" + counter++));
                    Path time = home.resolve("time");
                    times.add(time);
                    List<String> cmd = new ArrayList<>(plain ? List.of("java", "-jar", jar.toString())
                            : List.of(script.toString()));
                    // In its own directory with the three arguments alone, as people start a device.
                    cmd.addAll(List.of("127.0.0.1", Integer.toString(port), Integer.toString(ports.get(i))));
                    ProcessBuilder pb = timed(time, cmd).directory(home.toFile())
                            .redirectError(home.resolve("stderr").toFile());
                    pb.environment().put("EDGENET_NO_BUILD", "1");
                    pb.environment().put("JAVA_OPTS", "-Dedgenet.client.log=" + home.resolve("client.log"));
                    if (plain) {
                        pb.environment().remove("JAVA_OPTS");
                    }
                    Process p = pb.start();
                    processes.add(p);
                    OutputStream in = p.getOutputStream();
                    in.write((name + "\n" + Workspace.password(name) + "\n").getBytes(StandardCharsets.UTF_8));
                    in.flush();
                    welcomes.add(watch(p, name, home.resolve("stderr")));
                }
                List<Measured> out = new ArrayList<>();
                double[] walls = new double[n];
                for (int i = 0; i < n; i++) {
                    walls[i] = (welcomes.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - t0) / 1e9;
                }
                for (int i = 0; i < n; i++) {
                    Process p = processes.get(i);
                    // OUT and the end of input: the device leaves and exits 0.
                    p.getOutputStream().write("OUT\n".getBytes(StandardCharsets.UTF_8));
                    p.getOutputStream().close();
                }
                for (int i = 0; i < n; i++) {
                    Process p = processes.get(i);
                    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        throw new IllegalStateException(ws.devices().get(i) + " did not leave well after OUT");
                    }
                    out.add(read(times.get(i), walls[i]));
                }
                return out;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("a device did not join: " + (e.getCause() == null ? e
                        : e.getCause().getMessage()));
            } finally {
                processes.forEach(Launcher::stop);
            }
        }

        /** Ends a process that is still running and everything it started: GNU time, the script, the JVM. */
        private static void stop(Process p) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }

        /** Completes with the time the device's console showed the welcome, or fails with its last line. */
        private static CompletableFuture<Long> watch(Process p, String name, Path stderr) {
            CompletableFuture<Long> welcome = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                String last = "";
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.contains(WELCOME)) {
                            welcome.complete(System.nanoTime());
                        }
                        last = line;
                    }
                } catch (IOException e) {
                    last = e.toString();
                }
                welcome.completeExceptionally(new IllegalStateException(name + " ended without a welcome; "
                        + "its console said: " + last + lastLine(stderr, "; its standard error said: ")));
            }, "start-" + name);
            reader.setDaemon(true);
            reader.start();
            return welcome;
        }

        /** The last line of {@code file} after {@code label}, or nothing when it has none. */
        private static String lastLine(Path file, String label) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                return lines.isEmpty() ? "" : label + lines.get(lines.size() - 1);
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }

        private static ProcessBuilder timed(Path time, List<String> cmd) {
            List<String> full = new ArrayList<>(List.of(TIME.toString(), "-o", time.toString(), "-f", "%U %S %M"));
            full.addAll(cmd);
            return new ProcessBuilder(full);
        }

        /** GNU time's "user system maxRSS-KB" line. */
        private static Measured read(Path time, double wall) throws IOException {
            List<String> lines = Files.readAllLines(time, StandardCharsets.UTF_8);
            String[] f = lines.get(lines.size() - 1).trim().split("\\s+");
            return new Measured(wall, Double.parseDouble(f[0]) + Double.parseDouble(f[1]),
                    Long.parseLong(f[2]) * 1024 / 1e6);
        }

        /** Ports that were free a moment ago: the device binds its UDP port before it connects. */
        /**
         * Ports free now, below the system's ephemeral range: one from that range could be taken
         * before its device starts by another device's own sending socket, which the OS picks there.
         */
        private static List<Integer> freeUdpPorts(int n) throws IOException {
            int below = ephemeralLow();
            List<Integer> ports = new ArrayList<>();
            for (int port = below - 1; port > 1024 && ports.size() < n; port--) {
                try (DatagramSocket s = new DatagramSocket(port)) {
                    ports.add(port);
                } catch (java.net.SocketException taken) {
                    // In use: the next one down.
                }
            }
            if (ports.size() < n) {
                throw new IOException("fewer than " + n + " free UDP ports below " + below);
            }
            return ports;
        }

        private static int ephemeralLow() {
            try {
                // Files.readString returns only the first byte of this procfs file here; lines read it whole.
                return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                        .get(0).trim().split("\\s+")[0]);
            } catch (IOException | RuntimeException e) {
                return 32_768;
            }
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
