package org.edgenet.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EdgeNet server as its own JVM, started from this process's classpath (the shaded bench jar
 * carries the server, and so does a test classpath) in a {@link Workspace}. Memory is measured from
 * outside, as an operator would: heap after a forced GC through jcmd/jstat, RSS from /proc.
 */
public final class ServerProcess implements AutoCloseable {
    public static final String MAIN = "org.edgenet.server.cli.ServerMain";
    /** Failed logins before a block; the bench never fails a login on purpose. */
    private static final int ATTEMPTS = 5;
    /** No limit the bench could meet: it measures the server, not its protection against one address. */
    private static final int MAX_DEVICES = 1_000_000;
    // Three cluster members starting at once on a busy two-core machine have taken over 30 s.
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path output;

    private ServerProcess(Process process, int port, Path dir, Path output) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.output = output;
    }

    /** The same {@code java} that runs the bench, so both sides use one JDK. */
    public static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts the server in {@code dir} (which holds credentials.txt) and waits until it accepts
     * connections. {@code jfr}, when not null, is where a flight recording of the whole run goes.
     */
    public static ServerProcess start(Path dir, List<String> jvmOptions, Path jfr) throws IOException {
        return start(dir, jvmOptions, jfr, List.of());
    }

    /** As {@link #start(Path, List, Path)}, with {@code options} added to the server's command line. */
    public static ServerProcess start(Path dir, List<String> jvmOptions, Path jfr, List<String> options)
            throws IOException {
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="CONSOLE" class="org.edgenet.server.cli.ConsoleQueueAppender">
                    <encoder class="ch.qos.logback.classic.encoder.PatternLayoutEncoder"><pattern>%d{HH:mm:ss.SSS} %-5level %msg%n</pattern></encoder>
                    <queueSize>8192</queueSize><discardingThreshold>1638</discardingThreshold>
                    <lingerMillis>20</lingerMillis><maxFlushTime>2000</maxFlushTime>
                  </appender>
                  <logger name="io.netty" level="WARN"/>
                  <root level="INFO"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """);
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCommand());
        cmd.addAll(jvmOptions);
        if (jfr != null) {
            Files.createDirectories(jfr.getParent());
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        cmd.add("-Dlogback.configurationFile=" + logback);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN);
        // Port 0: the server picks a free port and names it in its start-up line.
        cmd.add("0");
        cmd.add(Integer.toString(ATTEMPTS));
        // Every simulated device comes from this one address, up to 1,000 joining at once.
        cmd.add("--max-pending-logins-per-ip");
        cmd.add(Integer.toString(MAX_DEVICES));
        cmd.add("--max-connections");
        cmd.add(Integer.toString(MAX_DEVICES));
        cmd.addAll(options);
        Path output = dir.resolve("server.out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            return new ServerProcess(p, awaitPort(p, output), dir, output);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Reads the port from the server's {@code listening on port N} line. */
    private static int awaitPort(Process p, Path output) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!p.isAlive()) {
                throw new IOException("the server exited with " + p.exitValue() + " at start: " + text.strip());
            }
            pause(50);
        }
        throw new IOException("the server did not say it was listening within " + START_TIMEOUT.toSeconds() + " s");
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Heap in use right after a full GC, in bytes, read with jcmd and jstat. */
    public long heapAfterGc() throws IOException {
        run(tool("jcmd"), Long.toString(pid()), "GC.run");
        List<String> lines = run(tool("jstat"), "-gc", Long.toString(pid()));
        if (lines.size() < 2) {
            throw new IOException("jstat printed nothing usable: " + lines);
        }
        String[] names = lines.get(0).trim().split("\\s+");
        String[] values = lines.get(1).trim().split("\\s+");
        double kib = 0;
        for (int i = 0; i < names.length && i < values.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(names[i])) {
                kib += Double.parseDouble(values[i]);
            }
        }
        return (long) (kib * 1024);
    }

    /** Resident set size in bytes, from /proc/&lt;pid&gt;/status. */
    public long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid());
    }

    /** Lines of the server's console that an operator would worry about: errors and stack traces. */
    public List<String> troubleLines() throws IOException {
        List<String> bad = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            if (line.contains(" ERROR ") || line.startsWith("\tat ") || line.contains("Exception")) {
                bad.add(line);
            }
        }
        return bad;
    }

    private static String tool(String name) {
        Path p = Path.of(System.getProperty("java.home"), "bin", name);
        return Files.isExecutable(p) ? p.toString() : name;
    }

    private static List<String> run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
            }
            return out.lines().toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + cmd[0], e);
        } finally {
            p.destroy();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the server to stop (SIGTERM), then kills it if it has not gone within ten seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
