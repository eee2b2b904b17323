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
                          long openFilesLimit, List<String> benchJvmArgs, double loadAverage) {

    public static MachineInfo read() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readMemoryMiB(), cpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                Descriptors.limit(), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                KernelCounters.loadAverage());
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
