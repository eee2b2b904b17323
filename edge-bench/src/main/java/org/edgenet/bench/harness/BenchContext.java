package org.edgenet.bench.harness;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every scenario shares in one bench run: the mode (quick or full), the repeat count, where
 * to work, the input file cache, how the server JVM is started, and the load generator's event
 * loop, on which thousands of devices share two threads.
 */
public final class BenchContext implements AutoCloseable {
    /** The server's JVM options: fixed, printed in the report, so runs compare. */
    public static final List<String> SERVER_JVM = List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC",
            "-XX:MaxDirectMemorySize=512m", "-Djava.awt.headless=true");

    private final boolean quick;
    private final Integer repeatsOverride;
    private final Path work;
    private final DataFiles data;
    private final Path jfrDir;
    private final boolean keep;
    private final EventLoopGroup group;

    /**
     * @param repeatsOverride runs per measurement, or null for each scenario's own default
     * @param jfrDir          where server flight recordings go, or null for none
     * @param keep            keep each run's server directory (logs, data) for inspection
     */
    public BenchContext(boolean quick, Integer repeatsOverride, Path work, Path jfrDir, boolean keep) {
        this.quick = quick;
        this.repeatsOverride = repeatsOverride;
        this.work = work;
        this.data = new DataFiles(work.resolve("cache"));
        this.jfrDir = jfrDir;
        this.keep = keep;
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    public boolean quick() {
        return quick;
    }

    /** Runs per measurement: one in quick mode, else the override or the scenario's default. */
    public int repeats(int fullDefault) {
        if (repeatsOverride != null) {
            return Math.max(1, repeatsOverride);
        }
        return quick ? 1 : fullDefault;
    }

    /** {@code quick} in quick mode, {@code full} otherwise. */
    public <T> T pick(T quickValue, T fullValue) {
        return quick ? quickValue : fullValue;
    }

    public Path work() {
        return work;
    }

    public DataFiles data() {
        return data;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** A fresh server directory with credentials for {@code devices} devices. */
    public Workspace workspace(String name, int devices) throws IOException {
        return Workspace.create(work.resolve("runs"), name, devices, keep);
    }

    /** Starts a server in {@code ws}; with JFR on, its recording is named after {@code name}. */
    public ServerProcess startServer(Workspace ws, String name) throws IOException {
        return startServer(ws, name, List.of());
    }

    /** A server started with {@code options} added to its command line, e.g. {@code --metrics}. */
    public ServerProcess startServer(Workspace ws, String name, List<String> options) throws IOException {
        Path jfr = jfrDir == null ? null : jfrDir.resolve(name + "-" + ws.dir().getFileName() + ".jfr");
        return ServerProcess.start(ws.dir(), SERVER_JVM, jfr, options);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
