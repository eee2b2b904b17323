package org.edgenet.server;

import org.edgenet.server.cli.ServerMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server without cluster settings is today's server: the cluster library is not even loaded. */
class AloneServerTest {
    @TempDir
    Path dir;

    @Test
    void aServerWithoutClusterSettingsStartsWithoutLoadingTheClusterLibrary() throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-verbose:class", "-cp", System.getProperty("java.class.path"),
                ServerMain.class.getName(), "0", "3")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        List<String> clusterClasses = new ArrayList<>();
        String started = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.contains("com.hazelcast")) {
                    clusterClasses.add(line);
                }
                if (line.startsWith("EdgeNet server listening on port")) {
                    started = line;
                    break;
                }
            }
        } finally {
            server.destroy();
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server stops on SIGTERM");
        }
        assertTrue(started != null, "the server started");
        assertEquals(List.of(), clusterClasses, "cluster classes loaded by a server alone");
    }
}
