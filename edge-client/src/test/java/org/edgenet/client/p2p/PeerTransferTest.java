package org.edgenet.client.p2p;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.testing.DatagramRelay;
import org.edgenet.common.testing.DatagramRelay.Faults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole transfers between real {@link PeerNode}s over loopback, through a relay that mistreats datagrams. */
class PeerTransferTest {
    static final int PAYLOAD = 16 * 1024;
    static final int TEN_MB = 10 * 1024 * 1024;
    static final PeerOptions OPTIONS = PeerOptions.DEFAULTS.withMaxLocalPayload(PAYLOAD)
            .withSilenceTimeout(Duration.ofSeconds(5)).withIdleTimeout(Duration.ofSeconds(5));

    static EventLoopGroup group;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startLoops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static Stream<Arguments> sizesAndLosses() {
        List<Arguments> all = new ArrayList<>();
        for (double loss : new double[] {0, 0.05, 0.20}) {
            for (int size : new int[] {0, 1, PAYLOAD, TEN_MB}) {
                all.add(Arguments.of(size, loss));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} bytes at loss {1} arrive byte-identical")
    @MethodSource("sizesAndLosses")
    void filesArriveByteIdenticalThroughALossyReorderingDuplicatingPath(int size, double loss) throws Exception {
        Path audienceDir = dir("audience");
        Path presenterDir = dir("presenter");
        Path file = randomFile(presenterDir.resolve("clip.bin"), size, size * 31L + (long) (loss * 100));
        RecordingEvents audienceEvents = new RecordingEvents();
        RecordingEvents presenterEvents = new RecordingEvents();
        try (PeerNode audience = PeerNode.bind(group, 0, audienceDir, audienceEvents, OPTIONS);
             PeerNode presenter = PeerNode.bind(group, 0, presenterDir, presenterEvents, OPTIONS);
             DatagramRelay relay = DatagramRelay.start(local(audience.udpPort()), Faults.lossy(loss), 7)) {

            presenter.send(relay.address(), file, vouch(audience, "uav-camera")).get(60, TimeUnit.SECONDS);

            RecordingEvents.Received r = audienceEvents.nextReceived();
            assertEquals(new RecordingEvents.Received("clip.bin", "uav-camera", audienceDir.resolve("uav-camera_clip.bin")), r,
                    "received event");
            assertEquals(-1, Files.mismatch(file, r.stored()), "stored file differs from the sent one");
            assertEquals(List.of(r.stored()), listing(audienceDir), "only the stored file is left");
            if (loss > 0 && size == TEN_MB) {
                assertTrue(relay.dropped() > 0 && relay.duplicated() > 0 && relay.delayed() > 0,
                        "the relay dropped, duplicated and delayed datagrams");
            }
            if (size == TEN_MB) {
                assertTrue(presenterEvents.sendingProgress.get() > 0, "the presenter reported progress");
                assertTrue(audienceEvents.receivingProgress.get() > 0, "the audience reported progress");
            }
        }
    }

    @Test
    void presenterGivesUpWhenNoDatagramGetsThroughAndTheAudienceKeepsNothing() throws Exception {
        Path audienceDir = dir("audience");
        Path file = randomFile(dir("presenter").resolve("clip.bin"), 100_000, 1);
        PeerOptions quick = OPTIONS.withSilenceTimeout(Duration.ofMillis(800));
        try (PeerNode audience = PeerNode.bind(group, 0, audienceDir, new RecordingEvents(), quick);
             PeerNode presenter = PeerNode.bind(group, 0, file.getParent(), new RecordingEvents(), quick);
             DatagramRelay relay = DatagramRelay.start(local(audience.udpPort()), Faults.BLACKHOLE, 7)) {
            long start = System.nanoTime();

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> presenter.send(relay.address(), file, vouch(audience, "uav-camera")).get(10, TimeUnit.SECONDS));

            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(TransferFailedException.class, e.getCause(), "failure type");
            assertEquals("the receiver did not answer", e.getCause().getMessage(), "failure message");
            assertTrue(took < 3_000, "failed after " + took + " ms, not within about the silence time-out");
            assertEquals(List.of(), listing(audienceDir), "the audience keeps no file");
        }
    }

    @Test
    void audienceThatGoesSilentMidTransferFailsThePresenterAndLeavesNoTempFile() throws Exception {
        Path audienceDir = dir("audience");
        Path file = randomFile(dir("presenter").resolve("clip.bin"), TEN_MB, 2);
        PeerOptions quick = OPTIONS.withSilenceTimeout(Duration.ofMillis(800)).withIdleTimeout(Duration.ofMillis(800));
        RecordingEvents audienceEvents = new RecordingEvents();
        RecordingEvents presenterEvents = new RecordingEvents();
        try (PeerNode audience = PeerNode.bind(group, 0, audienceDir, audienceEvents, quick);
             PeerNode presenter = PeerNode.bind(group, 0, file.getParent(), presenterEvents, quick);
             DatagramRelay relay = DatagramRelay.start(local(audience.udpPort()), Faults.NONE, 7)) {
            // The first progress report proves data flows; from then on nothing gets through.
            presenterEvents.onSendingProgress = () -> relay.faults(Faults.BLACKHOLE);

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> presenter.send(relay.address(), file, vouch(audience, "uav-camera")).get(10, TimeUnit.SECONDS));

            assertEquals("the receiver stopped answering", e.getCause().getMessage(), "failure message");
            RecordingEvents.Failed failed = audienceEvents.nextFailed();
            assertEquals("the presenter stopped sending", failed.reason(), "audience's reason");
            assertEquals(List.of(), listing(audienceDir), "no temp file is left");
        }
    }

    @Test
    void closingTheAudienceMidTransferDeletesItsTempFileAndFailsThePresenter() throws Exception {
        Path audienceDir = dir("audience");
        Path file = randomFile(dir("presenter").resolve("clip.bin"), TEN_MB, 3);
        PeerOptions quick = OPTIONS.withSilenceTimeout(Duration.ofMillis(800));
        RecordingEvents audienceEvents = new RecordingEvents();
        try (PeerNode presenter = PeerNode.bind(group, 0, file.getParent(), new RecordingEvents(), quick)) {
            PeerNode audience = PeerNode.bind(group, 0, audienceDir, audienceEvents, quick);
            CompletableFuture<Void> sent = presenter.send(local(audience.udpPort()), file, vouch(audience, "cam"));
            assertTrue(audienceEvents.receivingStarted.await(30, TimeUnit.SECONDS), "data arrives");

            audience.close();

            assertEquals(List.of(), listing(audienceDir), "no temp file is left once close returns");
            assertEquals("the device is closing", audienceEvents.nextFailed().reason(), "audience's event");
            ExecutionException e = assertThrows(ExecutionException.class, () -> sent.get(10, TimeUnit.SECONDS));
            assertEquals("the receiver stopped answering", e.getCause().getMessage(), "presenter's failure");
        }
    }

    @Test
    void threePresentersSendToOneAudienceAtOnce() throws Exception {
        Path audienceDir = dir("audience");
        RecordingEvents audienceEvents = new RecordingEvents();
        try (PeerNode audience = PeerNode.bind(group, 0, audienceDir, audienceEvents, OPTIONS);
             DatagramRelay relay = DatagramRelay.start(local(audience.udpPort()), Faults.lossy(0.05), 11)) {
            List<PeerNode> presenters = new ArrayList<>();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Path d = dir("presenter" + i);
                    files.add(randomFile(d.resolve("clip.bin"), 3 * 1024 * 1024 + i, 100 + i));
                    presenters.add(PeerNode.bind(group, 0, d, new RecordingEvents(), OPTIONS));
                }
                for (int i = 0; i < 3; i++) {
                    sends.add(presenters.get(i).send(relay.address(), files.get(i), vouch(audience, "camera" + i)));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            } finally {
                presenters.forEach(PeerNode::close);
            }
            for (int i = 0; i < 3; i++) {
                audienceEvents.nextReceived();
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(-1, Files.mismatch(files.get(i), audienceDir.resolve("camera" + i + "_clip.bin")),
                        "file of camera" + i);
            }
            assertEquals(3, listing(audienceDir).size(), "three stored files and nothing else");
        }
    }

    @Test
    void twoDevicesSendToEachOtherAtOnce() throws Exception {
        Path dirA = dir("a");
        Path dirB = dir("b");
        Path fileA = randomFile(dirA.resolve("from-a.bin"), 4 * 1024 * 1024, 21);
        Path fileB = randomFile(dirB.resolve("from-b.bin"), 4 * 1024 * 1024 + 17, 22);
        RecordingEvents eventsA = new RecordingEvents();
        RecordingEvents eventsB = new RecordingEvents();
        try (PeerNode a = PeerNode.bind(group, 0, dirA, eventsA, OPTIONS);
             PeerNode b = PeerNode.bind(group, 0, dirB, eventsB, OPTIONS);
             DatagramRelay toA = DatagramRelay.start(local(a.udpPort()), Faults.lossy(0.05), 31);
             DatagramRelay toB = DatagramRelay.start(local(b.udpPort()), Faults.lossy(0.05), 32)) {

            CompletableFuture<Void> ab = a.send(toB.address(), fileA, vouch(b, "alpha"));
            CompletableFuture<Void> ba = b.send(toA.address(), fileB, vouch(a, "beta"));
            CompletableFuture.allOf(ab, ba).get(60, TimeUnit.SECONDS);

            assertEquals(-1, Files.mismatch(fileA, eventsB.nextReceived().stored()), "a's file at b");
            assertEquals(-1, Files.mismatch(fileB, eventsA.nextReceived().stored()), "b's file at a");
            assertTrue(Files.exists(dirB.resolve("alpha_from-a.bin")), "stored as <presenter>_<filename> at b");
            assertTrue(Files.exists(dirA.resolve("beta_from-b.bin")), "stored as <presenter>_<filename> at a");
        }
    }

    @Test
    void aSecondTransferOfTheSameNameReplacesTheStoredFile() throws Exception {
        Path audienceDir = dir("audience");
        Path presenterDir = dir("presenter");
        RecordingEvents audienceEvents = new RecordingEvents();
        try (PeerNode audience = PeerNode.bind(group, 0, audienceDir, audienceEvents, OPTIONS);
             PeerNode presenter = PeerNode.bind(group, 0, presenterDir, new RecordingEvents(), OPTIONS)) {
            Path file = randomFile(presenterDir.resolve("clip.bin"), 50_000, 3);
            presenter.send(local(audience.udpPort()), file, vouch(audience, "cam")).get(30, TimeUnit.SECONDS);
            audienceEvents.nextReceived();
            randomFile(file, 20_000, 4);

            presenter.send(local(audience.udpPort()), file, vouch(audience, "cam")).get(30, TimeUnit.SECONDS);

            audienceEvents.nextReceived();
            assertEquals(-1, Files.mismatch(file, audienceDir.resolve("cam_clip.bin")), "the newer file is stored");
            assertEquals(1, listing(audienceDir).size(), "one stored file");
        }
    }

    @Test
    void aMissingFileOrADirectoryFailsAtOnceWithAClearMessage() throws Exception {
        Path presenterDir = dir("presenter");
        try (PeerNode presenter = PeerNode.bind(group, 0, presenterDir, new RecordingEvents(), OPTIONS)) {
            InetSocketAddress nowhere = local(9);

            ExecutionException missing = assertThrows(ExecutionException.class,
                    () -> presenter.send(nowhere, presenterDir.resolve("nope.mp4"), HandPresenter.ticket("cam", "watch")).get(1, TimeUnit.SECONDS));
            ExecutionException directory = assertThrows(ExecutionException.class,
                    () -> presenter.send(nowhere, presenterDir, HandPresenter.ticket("cam", "watch")).get(1, TimeUnit.SECONDS));

            assertEquals("the file nope.mp4 does not exist", missing.getCause().getMessage(), "missing file");
            assertEquals("presenter is not a regular file", directory.getCause().getMessage(), "directory");
        }
    }

    /** The server's part: a ticket for a transfer from {@code presenter} to {@code audience}, which now holds it. */
    static Ticket vouch(PeerNode audience, String presenter) {
        Ticket ticket = HandPresenter.ticket(presenter, "audience");
        audience.admit(ticket);
        return ticket;
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    static InetSocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    static Path randomFile(Path path, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(path, bytes);
    }

    static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
