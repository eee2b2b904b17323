package org.edgenet.bench.baseline;

import org.edgenet.bench.harness.DataFiles;
import org.edgenet.bench.relay.LossyRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
             LossyRelay relay = new LossyRelay(receiver.address(), 0, 1)) {
            UdpBlast.Result r = UdpBlast.blast(source, receiver, relay.address(), 1400);
            assertEquals(200_000, r.sentBytes(), "every byte sent once");
            assertEquals(143, r.sentDatagrams(), "200,000 bytes in 1,400-byte datagrams");
            assertTrue(r.arrivedBytes() > 0 && r.arrivedBytes() <= r.sentBytes(), "arrived " + r.arrivedBytes());
            assertEquals(r.arrivedBytes(), Files.size(dir.resolve("got")), "the receiver wrote what arrived");
        }
    }

    @Test
    void lossyRelayDropsItsShareDeterministically(@TempDir Path dir) throws Exception {
        Path source = new DataFiles(dir.resolve("cache")).binary(140_000);
        long[] dropped = new long[2];
        for (int run = 0; run < 2; run++) {
            try (UdpBlast.Receiver receiver = new UdpBlast.Receiver(dir.resolve("got"));
                 LossyRelay relay = new LossyRelay(receiver.address(), 0.25, 7)) {
                UdpBlast.Result r = UdpBlast.blast(source, receiver, relay.address(), 1400);
                assertEquals(100, r.sentDatagrams(), "100 datagrams sent");
                assertEquals(100, relay.forwarded() + relay.dropped(), "each datagram forwarded or dropped");
                dropped[run] = relay.dropped();
            }
        }
        assertTrue(dropped[0] > 10 && dropped[0] < 40, "about a quarter dropped: " + dropped[0]);
        assertEquals(dropped[0], dropped[1], "the same seed drops the same datagrams");
    }

    @Test
    void scanServerSumsTheFileOverASocket(@TempDir Path dir) throws Exception {
        DataFiles.Samples s = new DataFiles(dir).samples(5000);
        try (ScanServer server = new ScanServer(List.of(s.file()));
             ScanServer.Client client = server.connect()) {
            assertEquals(s.stats().sum().toString(), client.sum(0), "sum of the file");
            assertEquals(s.stats().sum().toString(), client.sum(0), "again on the same connection");
        }
    }
}
