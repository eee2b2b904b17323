package org.edgenet.client.it;

import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Every scenario of {@link EdgeDataIntegrationTest} on three server processes in cluster mode that
 * share one data directory, each device sent to a node picked at random: the files are read from
 * that directory, and the upload and deletion logs of all three nodes together hold every line once.
 */
class EdgeDataClusterTest extends EdgeDataIntegrationTest {
    @AfterAll
    static void stopServers() throws IOException {
        LiveServer.stopProcesses();
    }

    @Override
    LiveServer start(Path serverDir, List<String> credentials) throws Exception {
        return LiveServer.processes(credentials, UnaryOperator.identity(), ActiveDevicesClusterTest.NODES);
    }
}
