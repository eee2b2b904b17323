package org.edgenet.client.it;

import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario of {@link ConsoleIntegrationTest} on three server processes in cluster mode, the
 * console and the other device each sent to a node picked at random: AED shows a device of another
 * node with the time of its join, and UVF reaches an audience joined elsewhere. What the servers
 * logged is read from the consoles of all three.
 */
class ConsoleClusterTest extends ConsoleIntegrationTest {
    @AfterAll
    static void stopServers() throws IOException {
        LiveServer.stopProcesses();
    }

    @Override
    LiveServer start(Path serverDir, List<String> credentials, UnaryOperator<ServerConfig.Builder> tweak)
            throws Exception {
        return LiveServer.processes(credentials, tweak, ActiveDevicesClusterTest.NODES);
    }

    @Override
    @Test
    void aPasswordTypedAsTheNameOrAWrongOneReachesNeitherTheServerNorTheDeviceLog() throws Exception {
        // The servers run on from earlier tests of the class: only what they log from now on counts.
        List<Integer> before = live.nodes.stream().map(n -> n.log().size()).toList();
        session("comp9331\nsupersmartwatch\nsupersmartwatch\nSecret-typo1\ncomp9331\nOUT\n",
                (address, file, ticket) -> CompletableFuture.completedFuture(null));
        // The servers write their consoles on a thread of their own: the leave is the session's last line.
        List<String> lines = new ArrayList<>();
        LiveServer.eventually("a server logs the leave", () -> {
            lines.clear();
            for (int i = 0; i < live.nodes.size(); i++) {
                List<String> log = live.nodes.get(i).log();
                lines.addAll(log.subList(Math.min(before.get(i), log.size()), log.size()));
            }
            return lines.contains("supersmartwatch left");
        });

        assertTrue(lines.stream().anyMatch(l -> l.matches("Login failed from 127\\.0\\.0\\.1: unknown device name \\(ref [0-9a-f]{8}\\)")),
                "the unknown name is logged as a reference: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("supersmartwatch joined from 127.0.0.1")), "then the join: " + lines);
        for (String line : lines) {
            assertFalse(line.contains("comp9331") || line.contains("Secret-typo1"), line);
        }
    }
}
