package org.edgenet.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Counters the Linux kernel keeps for this network namespace. UDP datagrams dropped because a
 * socket's receive buffer was full never reach any Java code, so only the kernel can tell how much
 * of a transfer's loss was not the relay's doing. Counts every process's sockets, not just ours.
 */
public final class KernelCounters {
    private KernelCounters() {
    }

    /** {@code Udp: RcvbufErrors} from /proc/net/snmp, or -1 where there is no such file. */
    public static long udpReceiveBufferErrors() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    String[] names = lines.get(i).trim().split("\\s+");
                    String[] values = lines.get(i + 1).trim().split("\\s+");
                    for (int k = 1; k < names.length && k < values.length; k++) {
                        if (names[k].equals("RcvbufErrors")) {
                            return Long.parseLong(values[k]);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The 1-minute load average, or NaN where unknown: how busy the shared machine was. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
