package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.server.EdgeServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.edgenet.client.it.LiveServer.await;
import static org.edgenet.client.it.LiveServer.gauge;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every scenario of {@link ActiveDevicesIntegrationTest} on three servers in cluster mode, each
 * device sent to a node picked at random; the device log read is the first node's, which shows the
 * whole cluster.
 */
class ActiveDevicesClusterTest extends ActiveDevicesIntegrationTest {
    static final int NODES = 3;

    @Override
    LiveServer start(Path dir, List<String> credentials) throws Exception {
        return LiveServer.cluster(dir, credentials, UnaryOperator.identity(), NODES);
    }

    @Test
    void eachNodeCountsTheWholeClusterAndItsOwnShareInItsMetrics() throws Exception {
        List<EdgeClient> clients = new ArrayList<>();
        for (int i = 0; i < DEVICES.size(); i++) {
            clients.add(await(live.join(DEVICES.get(i), "pw-" + DEVICES.get(i), 9001 + i)));
        }
        LiveServer.eventually("every node counts the five devices", () -> live.nodes.stream()
                .allMatch(n -> gauge(n, "edgenet_devices_joined") == DEVICES.size()));
        double shares = 0;
        for (EdgeServer n : live.nodes) {
            assertEquals(NODES, gauge(n, "edgenet_cluster_members"), "members seen by node " + n.port());
            shares += gauge(n, "edgenet_devices_joined_here");
        }
        assertEquals(DEVICES.size(), shares, "the nodes' shares add up to the cluster's devices");

        await(clients.get(0).leave());
        LiveServer.eventually("the shares add up to four after one left", () -> live.nodes.stream()
                .mapToDouble(n -> gauge(n, "edgenet_devices_joined_here")).sum() == DEVICES.size() - 1);
    }
}
