package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.message.DeviceInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Devices join and leave a real server: the active device log and AED. */
class ActiveDevicesIntegrationTest {
    private static final String LOG_LINE = "^(\\d+); \\d{1,2} [A-Z][a-z]+ \\d{4} \\d{2}:\\d{2}:\\d{2}; (\\S+); 127\\.0\\.0\\.1; (\\d+)$";
    static final List<String> DEVICES = List.of(
            "supersmartwatch", "superwristband", "hans-smartwatch", "yoda-wristband", "uav-camera");

    @TempDir
    Path dir;
    LiveServer live;

    @BeforeEach
    void startServer() throws Exception {
        live = start(dir, DEVICES.stream().map(d -> d + " pw-" + d).toList());
    }

    /** The server the devices join: one here, a cluster in {@link ActiveDevicesClusterTest}. */
    LiveServer start(Path dir, List<String> credentials) throws Exception {
        return new LiveServer(dir, credentials, UnaryOperator.identity());
    }

    @AfterEach
    void stopServer() {
        live.close();
    }

    @Test
    void fiveDevicesJoiningAtOnceAreNumberedOneToFiveAndRenumberedWhenTheThirdLeaves() throws Exception {
        Map<String, CompletableFuture<EdgeClient>> joining = new HashMap<>();
        for (int i = 0; i < DEVICES.size(); i++) {
            String d = DEVICES.get(i);
            joining.put(d, live.join(d, "pw-" + d, 9001 + i));
        }
        Map<String, EdgeClient> clients = new HashMap<>();
        for (var e : joining.entrySet()) {
            clients.put(e.getKey(), await(e.getValue()));
        }

        Path deviceLog = live.config.deviceLog();
        List<String> lines = live.awaitLines(deviceLog, 5);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            var m = java.util.regex.Pattern.compile(LOG_LINE).matcher(lines.get(i));
            assertTrue(m.matches(), "log line format: " + lines.get(i));
            assertEquals(Integer.toString(i + 1), m.group(1), "sequence numbers 1..5 in order");
            assertEquals(9001 + DEVICES.indexOf(m.group(2)), Integer.parseInt(m.group(3)), "the registered UDP port");
            order.add(m.group(2));
        }
        assertEquals(Set.copyOf(DEVICES), Set.copyOf(order), "every device once");

        String third = order.get(2);
        assertEquals(third, await(clients.get(third).leave()).device().value(), "Left names the device");
        await(clients.get(third).closeFuture());

        List<String> after = live.awaitLines(deviceLog, 4);
        List<String> expected = new ArrayList<>(order);
        expected.remove(third);
        for (int i = 0; i < after.size(); i++) {
            var m = java.util.regex.Pattern.compile(LOG_LINE).matcher(after.get(i));
            assertTrue(m.matches(), "log line format: " + after.get(i));
            assertEquals(Integer.toString(i + 1), m.group(1), "renumbered without a gap");
            assertEquals(expected.get(i), m.group(2), "later devices moved up one line");
        }

        String asker = order.get(0);
        List<DeviceInfo> others = await(clients.get(asker).listActive());
        Set<String> names = others.stream().map(d -> d.name().value()).collect(Collectors.toSet());
        Set<String> expectedOthers = new java.util.HashSet<>(expected);
        expectedOthers.remove(asker);
        assertEquals(expectedOthers, names, "AED lists the other three and never the asker");
        for (DeviceInfo d : others) {
            assertEquals("127.0.0.1", d.ip(), "the address the device connected from");
            assertEquals(9001 + DEVICES.indexOf(d.name().value()), d.udpPort(), "the registered UDP port");
            assertTrue(d.activeSince().matches("\\d{1,2} [A-Z][a-z]+ \\d{4} \\d{2}:\\d{2}:\\d{2}"), d.activeSince());
        }
    }

    @Test
    void aedFromEachOfFiveListsTheOtherFour() throws Exception {
        List<CompletableFuture<EdgeClient>> joining = new ArrayList<>();
        for (int i = 0; i < DEVICES.size(); i++) {
            joining.add(live.join(DEVICES.get(i), "pw-" + DEVICES.get(i), 9001 + i));
        }
        List<EdgeClient> clients = new ArrayList<>();
        for (CompletableFuture<EdgeClient> j : joining) {
            clients.add(await(j));
        }
        for (int i = 0; i < DEVICES.size(); i++) {
            EdgeClient c = clients.get(i);
            Set<String> names = await(c.listActive()).stream().map(d -> d.name().value()).collect(Collectors.toSet());
            assertEquals(4, names.size(), "four others for " + DEVICES.get(i));
            assertFalse(names.contains(DEVICES.get(i)), "never itself");
        }
    }

    @Test
    void aDeviceAloneHearsThereAreNoOthers() throws Exception {
        EdgeClient alone = await(live.join("supersmartwatch", "pw-supersmartwatch", 9001));

        assertEquals(List.of(), await(alone.listActive()), "empty list means no other active edge devices");
    }

    @Test
    void aDroppedConnectionLeavesAsIfItHadSentOut() throws Exception {
        EdgeClient first = await(live.join("supersmartwatch", "pw-supersmartwatch", 9001));
        EdgeClient second = await(live.join("uav-camera", "pw-uav-camera", 9002));
        live.awaitLines(live.config.deviceLog(), 2);

        first.close();

        List<String> lines = live.awaitLines(live.config.deviceLog(), 1);
        assertTrue(lines.get(0).matches("^1; .*; uav-camera; 127\\.0\\.0\\.1; 9002$"), lines.get(0));
        // The file and the AED answer change one after the other on the server's writer thread.
        LiveServer.eventually("AED no longer lists the dropped device", () -> {
            try {
                return await(second.listActive()).isEmpty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
