package org.edgenet.client.it;

import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Every scenario of {@link MessagesIntegrationTest} on three server processes in cluster mode, each
 * connection sent to a node picked at random; the message port is the first node's.
 */
class MessagesClusterTest extends MessagesIntegrationTest {
    @AfterAll
    static void stopServers() throws IOException {
        LiveServer.stopProcesses();
    }

    @Override
    LiveServer open(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        return LiveServer.processes(credentials, tweak, ActiveDevicesClusterTest.NODES);
    }
}
