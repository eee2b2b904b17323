package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every scenario of {@link ActiveDevicesIntegrationTest} on three server processes in cluster
 * mode, each device sent to a node picked at random; the device log read is the first node's, which
 * shows the whole cluster.
 */
class ActiveDevicesClusterTest extends ActiveDevicesIntegrationTest {
    static final int NODES = 3;

    @AfterAll
    static void stopServers() throws IOException {
        LiveServer.stopProcesses();
    }

    @Override
    LiveServer start(Path dir, List<String> credentials) throws Exception {
        return LiveServer.processes(credentials, UnaryOperator.identity(), NODES);
    }

    @Test
    void eachNodeCountsTheWholeClusterAndItsOwnShareInItsMetrics() throws Exception {
        List<EdgeClient> clients = new ArrayList<>();
        for (int i = 0; i < DEVICES.size(); i++) {
            clients.add(await(live.join(DEVICES.get(i), "pw-" + DEVICES.get(i), 9001 + i)));
        }
        LiveServer.eventually("every node counts the five devices", () -> live.nodes.stream()
                .allMatch(n -> n.gauge("edgenet_devices_joined") == DEVICES.size()));
        double shares = 0;
        for (LiveServer.Node n : live.nodes) {
            assertEquals(NODES, n.gauge("edgenet_cluster_members"), "members seen by node " + n.port());
            shares += n.gauge("edgenet_devices_joined_here");
        }
        assertEquals(DEVICES.size(), shares, "the nodes' shares add up to the cluster's devices");

        await(clients.get(0).leave());
        LiveServer.eventually("the shares add up to four after one left", () -> live.nodes.stream()
                .mapToDouble(n -> n.gauge("edgenet_devices_joined_here")).sum() == DEVICES.size() - 1);
    }
}
