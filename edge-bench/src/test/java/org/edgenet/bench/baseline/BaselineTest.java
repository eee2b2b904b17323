package org.edgenet.bench.baseline;

import org.edgenet.bench.harness.DataFiles;
import org.edgenet.common.testing.DatagramRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaselineTest {
    @Test
    void tcpCopyDeliversTheWholeFile(@TempDir Path dir) throws Exception {
        Path source = new DataFiles(dir.resolve("cache")).binary(3_000_000);
        Path target = dir.resolve("copy");
        TcpCopy.Result r = TcpCopy.copy(source, target, 30);
        assertEquals(3_000_000, r.bytes(), "bytes counted");
        assertEquals(-1, Files.mismatch(source, target), "the copy is identical");
        assertTrue(r.megabytesPerSecond() > 0, "a positive rate");
    }

    @Test
    void udpBlastCountsWhatArrivesThroughALosslessRelay(@TempDir Path dir) throws Exception {
        Path source = new DataFiles(dir.resolve("cache")).binary(200_000);
        try (UdpBlast.Receiver receiver = new UdpBlast.Receiver(dir.resolve("got"));
             DatagramRelay relay = DatagramRelay.start(receiver.address(), DatagramRelay.Faults.NONE, 1)) {
            UdpBlast.Result r = UdpBlast.blast(source, receiver, relay.address(), 1400);
            assertEquals(200_000, r.sentBytes(), "every byte sent once");
            assertEquals(143, r.sentDatagrams(), "200,000 bytes in 1,400-byte datagrams");
            assertTrue(r.arrivedBytes() > 0 && r.arrivedBytes() <= r.sentBytes(), "arrived " + r.arrivedBytes());
            assertEquals(r.arrivedBytes(), Files.size(dir.resolve("got")), "the receiver wrote what arrived");
        }
    }

    @Test
    void udpBlastThroughALossyRelayLosesAboutItsShare(@TempDir Path dir) throws Exception {
        Path source = new DataFiles(dir.resolve("cache")).binary(140_000);
        try (UdpBlast.Receiver receiver = new UdpBlast.Receiver(dir.resolve("got"));
             DatagramRelay relay = DatagramRelay.start(receiver.address(),
                     new DatagramRelay.Faults(0.25, 0, 0, Duration.ZERO), 7)) {
            UdpBlast.Result r = UdpBlast.blast(source, receiver, relay.address(), 1400);
            assertEquals(100, r.sentDatagrams(), "100 datagrams sent");
            assertTrue(r.arrivedDatagrams() <= 100 - relay.dropped(), "what the relay dropped never arrived");
            assertTrue(relay.dropped() > 10 && relay.dropped() < 40, "about a quarter dropped: " + relay.dropped());
        }
    }

    @Test
    void roundTripServerAnswersEachRequestOnOneConnection() throws Exception {
        try (RoundTripServer server = new RoundTripServer(List.of("12", "345"));
             RoundTripServer.Client client = server.connect()) {
            assertEquals("345", client.ask(1), "second answer");
            assertEquals("12", client.ask(0), "first answer, same connection");
        }
    }
}
