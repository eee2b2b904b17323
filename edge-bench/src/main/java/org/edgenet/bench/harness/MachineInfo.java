package org.edgenet.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The facts a reader needs to compare a report with their own machine, including how busy it was
 * (the load average when the run started): the machines here are shared.
 */
public record MachineInfo(int cores, long memoryMiB, String cpu, String os, String jdk, String date,
                          long openFilesLimit, List<String> benchJvmArgs, double loadAverage, String commit) {

    public static MachineInfo read() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readMemoryMiB(), cpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                Descriptors.limit(), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                KernelCounters.loadAverage(), readCommit());
    }

    /** The commit the bench runs in (working directory), with "+changes" when the tree is dirty. */
    private static String readCommit() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty=+changes").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long readMemoryMiB() {
        return procLine("/proc/meminfo", "MemTotal:")
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).orElse(-1L);
    }

    private static String cpuModel() {
        return procLine("/proc/cpuinfo", "model name").map(l -> l.substring(l.indexOf(':') + 1).trim())
                .orElse(System.getProperty("os.arch"));
    }

    private static java.util.Optional<String> procLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix)).findFirst();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
