package org.edgenet.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HarnessTest {
    @Test
    void sampleFilesAreOneIntegerPerLineWithTheirAnswersAndAreReused(@TempDir Path dir) throws Exception {
        DataFiles data = new DataFiles(dir);
        DataFiles.Samples s = data.samples(1000);
        List<String> lines = Files.readAllLines(s.file());
        assertEquals(1000, lines.size(), "one sample per line");
        BigInteger sum = BigInteger.ZERO;
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (String l : lines) {
            long v = Long.parseLong(l);
            sum = sum.add(BigInteger.valueOf(v));
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        assertEquals(sum, s.stats().sum(), "sum recorded while writing");
        assertEquals(max, s.stats().max(), "max recorded while writing");
        assertEquals(min, s.stats().min(), "min recorded while writing");
        assertEquals(Files.size(s.file()), s.stats().bytes(), "size recorded");
        long modified = Files.getLastModifiedTime(s.file()).toMillis();
        Files.setLastModifiedTime(s.file(), java.nio.file.attribute.FileTime.fromMillis(modified - 10_000));
        assertEquals(modified - 10_000, Files.getLastModifiedTime(data.samples(1000).file()).toMillis(),
                "the cached file is reused, not rewritten");
        assertEquals(12345, Files.size(data.binary(12345)), "binary file of the asked size");
    }

    @Test
    void workspaceWritesCredentialsAndCleansUp(@TempDir Path dir) throws Exception {
        Path ws;
        try (Workspace w = Workspace.create(dir, "t", 3, false)) {
            ws = w.dir();
            assertEquals(List.of("dev00001 pw-00001#", "dev00002 pw-00002#", "dev00003 pw-00003#"),
                    Files.readAllLines(ws.resolve("credentials.txt")), "one name and password per line");
        }
        assertTrue(Files.notExists(ws), "the workspace is deleted");
    }

    @Test
    void deviceLogCheckFindsWrongNumbersMissingDevicesAndOrder(@TempDir Path dir) throws Exception {
        Path log = dir.resolve(DeviceLog.FILE);
        Files.writeString(log, "1; 30 September 2022 10:31:13; a; 127.0.0.1; 5000\n"
                + "2; 30 September 2022 10:31:14; b; 127.0.0.1; 5001\n");
        Map<String, Integer> active = new LinkedHashMap<>(Map.of("a", 5000, "b", 5001));
        assertTrue(DeviceLog.check(dir, active, List.of("a", "b")).isEmpty(), "a correct log passes");
        assertTrue(DeviceLog.check(dir, active, List.of("b", "a")).isPresent(), "wrong order is found");
        assertTrue(DeviceLog.check(dir, Map.of("a", 5000), null).isPresent(), "an extra line is found");
        assertTrue(DeviceLog.check(dir, Map.of("a", 5000, "b", 9), null).isPresent(), "a wrong port is found");
        Files.writeString(log, "2; 30 September 2022 10:31:13; a; 127.0.0.1; 5000\n");
        assertTrue(DeviceLog.check(dir, Map.of("a", 5000), null).isPresent(), "numbering must start at 1");
        Files.writeString(log, "1; yesterday; a; 127.0.0.1; 5000\n");
        assertTrue(DeviceLog.check(dir, Map.of("a", 5000), null).isPresent(), "a bad timestamp is found");
        Files.delete(log);
        assertTrue(DeviceLog.check(dir, Map.of(), null).isEmpty(), "no file is no active device");
    }
}
