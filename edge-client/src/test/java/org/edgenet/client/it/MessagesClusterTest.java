package org.edgenet.client.it;

import org.edgenet.server.ServerConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Every scenario of {@link MessagesIntegrationTest} on three servers in cluster mode, each
 * connection sent to a node picked at random; the message port is the first node's.
 */
class MessagesClusterTest extends MessagesIntegrationTest {
    @Override
    LiveServer open(Path dir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        return LiveServer.cluster(dir, credentials, tweak, ActiveDevicesClusterTest.NODES);
    }
}
