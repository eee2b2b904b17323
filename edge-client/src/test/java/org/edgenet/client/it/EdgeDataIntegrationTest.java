package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.client.net.ServerError;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.Deleted;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UED, SCS and DTE against a real server, many devices at once. */
class EdgeDataIntegrationTest {
    private static final Pattern LOG_LINE =
            Pattern.compile("^(\\S+); \\d{1,2} [A-Z][a-z]+ \\d{4} \\d{2}:\\d{2}:\\d{2}; (\\d+); (\\d+)$");
    private static final int DEVICES = 20;

    @TempDir
    Path dir;
    private Path clientDir;
    private LiveServer live;

    @BeforeEach
    void startServer() throws Exception {
        List<String> credentials = new ArrayList<>();
        for (int i = 1; i <= DEVICES; i++) {
            credentials.add(name(i) + " pass" + i);
        }
        Path serverDir = Files.createDirectory(dir.resolve("server"));
        clientDir = Files.createDirectory(dir.resolve("clients"));
        live = start(serverDir, credentials);
    }

    /** The server of the devices: one here, a cluster in {@link EdgeDataClusterTest}. */
    LiveServer start(Path serverDir, List<String> credentials) throws Exception {
        return new LiveServer(serverDir, credentials, UnaryOperator.identity());
    }

    @AfterEach
    void stopServer() {
        live.close();
    }

    private static String name(int i) {
        return String.format("device%02d", i);
    }

    /** {@code lines} random integers, negative ones too, one per line. */
    private static List<Long> samples(long seed, int lines) {
        Random random = new Random(seed);
        List<Long> values = new ArrayList<>(lines);
        for (int i = 0; i < lines; i++) {
            values.add((long) random.nextInt() * (random.nextBoolean() ? 1 : 1_000_003));
        }
        return values;
    }

    private Path write(String fileName, List<Long> values) throws Exception {
        StringBuilder text = new StringBuilder();
        values.forEach(v -> text.append(v).append('\n'));
        return Files.writeString(clientDir.resolve(fileName), text, StandardCharsets.US_ASCII);
    }

    /** What one device ends up with after its whole scripted session. */
    private record Outcome(Uploaded first, Uploaded second, Computed sum, Computed max, Deleted deleted) {
    }

    @Test
    void twentyDevicesUploadingComputingAndDeletingAtOnceLeaveEveryFileAndLogLineIntact() throws Exception {
        Map<Integer, List<Long>> firstFiles = new HashMap<>();
        Map<Integer, Integer> secondSizes = new HashMap<>();
        List<CompletableFuture<Outcome>> sessions = new ArrayList<>();
        for (int i = 1; i <= DEVICES; i++) {
            String device = name(i);
            // Sizes differ per device so that chunk boundaries fall everywhere, even inside numbers.
            List<Long> first = samples(i, 20_000 + 997 * i);
            List<Long> second = samples(100 + i, 10 + i);
            firstFiles.put(i, first);
            secondSizes.put(i, second.size());
            Path f1 = write(device + "-1.txt", first);
            Path f2 = write(device + "-2.txt", second);
            sessions.add(live.join(device, "pass" + i, 9000 + i).thenCompose(c ->
                    c.upload(FileId.of(1), f1).thenCompose(u1 ->
                    c.upload(FileId.of(2), f2).thenCompose(u2 ->
                    c.compute(FileId.of(1), Operation.SUM).thenCompose(sum ->
                    c.compute(FileId.of(1), Operation.MAX).thenCompose(max ->
                    c.delete(FileId.of(2)).thenApply(del -> new Outcome(u1, u2, sum, max, del))))))));
        }

        for (int i = 1; i <= DEVICES; i++) {
            Outcome o = sessions.get(i - 1).get(60, TimeUnit.SECONDS);
            List<Long> first = firstFiles.get(i);
            assertEquals(new Uploaded(FileId.of(1), first.size()), o.first(), "first upload of " + name(i));
            assertEquals(new Uploaded(FileId.of(2), secondSizes.get(i)), o.second(), "second upload of " + name(i));
            BigInteger sum = first.stream().map(BigInteger::valueOf).reduce(BigInteger.ZERO, BigInteger::add);
            assertEquals(sum.toString(), o.sum().result(), "exact SUM for " + name(i));
            assertEquals(Long.toString(first.stream().mapToLong(Long::longValue).max().orElseThrow()),
                    o.max().result(), "MAX for " + name(i));
            assertEquals(new Deleted(FileId.of(2), secondSizes.get(i)), o.deleted(), "deletion of " + name(i));

            Path stored = live.config.dataDir().resolve(name(i)).resolve(name(i) + "-1.txt");
            assertArrayEquals(Files.readAllBytes(clientDir.resolve(name(i) + "-1.txt")), Files.readAllBytes(stored),
                    "stored file equals the sent one for " + name(i));
            assertFalse(Files.exists(stored.resolveSibling(name(i) + "-2.txt")), "deleted file is gone");
        }

        List<String> uploads = live.awaitLinesOfAll(ServerConfig::uploadLog, 2 * DEVICES);
        List<String> deletions = live.awaitLinesOfAll(ServerConfig::deletionLog, DEVICES);
        List<String> expectedUploads = new ArrayList<>();
        List<String> expectedDeletions = new ArrayList<>();
        for (int i = 1; i <= DEVICES; i++) {
            expectedUploads.add(name(i) + " 1 " + firstFiles.get(i).size());
            expectedUploads.add(name(i) + " 2 " + secondSizes.get(i));
            expectedDeletions.add(name(i) + " 2 " + secondSizes.get(i));
        }
        assertEquals(sorted(expectedUploads), sorted(fields(uploads)), "one whole upload line per upload");
        assertEquals(sorted(expectedDeletions), sorted(fields(deletions)), "one whole deletion line per deletion");
    }

    @Test
    void aFileWithABadLineIsRefusedEarlyStoredNowhereAndTheConnectionGoesOn() throws Exception {
        EdgeClient c = await(live.join(name(1), "pass1", 9001));
        // The bad line comes first; the rest is long enough that the refusal overtakes the upload.
        StringBuilder text = new StringBuilder("12\n3x\n");
        text.append("7\n".repeat(2_000_000));
        Path bad = Files.writeString(clientDir.resolve("bad.txt"), text);

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> c.upload(FileId.of(1), bad).get(60, TimeUnit.SECONDS), "the upload is refused");
        ServerError error = assertInstanceOf(ServerError.class, refused.getCause(), "a server refusal");
        assertEquals(ErrorCode.INVALID_DATA, error.code(), "invalid data");
        assertTrue(error.getMessage().startsWith("line 2"), "the line number: " + error.getMessage());

        assertEquals(List.of(), await(c.listActive()), "the connection still answers");
        Path good = write("good.txt", List.of(1L, 2L, 3L));
        assertEquals(new Uploaded(FileId.of(1), 3), await(c.upload(FileId.of(1), good)),
                "a good upload afterwards works");
        assertEquals("6", await(c.compute(FileId.of(1), Operation.SUM)).result(), "and only the good data is stored");
        assertEquals(1, live.awaitLinesOfAll(ServerConfig::uploadLog, 1).size(), "only the good upload is logged");
    }

    @Test
    void theServerRefusesWhatItCannotServe() throws Exception {
        EdgeClient c = await(live.join(name(1), "pass1", 9001));

        ServerError missing = serverError(c.delete(FileId.of(5)));
        assertEquals(ErrorCode.NO_SUCH_FILE, missing.code(), "deleting a file never uploaded");
        ServerError offline = serverError(c.lookupPeer(DeviceName.of("device02")));
        assertEquals(ErrorCode.DEVICE_OFFLINE, offline.code(), "looking up a device that is not active");
        Path empty = Files.writeString(clientDir.resolve("empty.txt"), "");
        assertEquals(new Uploaded(FileId.of(3), 0), await(c.upload(FileId.of(3), empty)),
                "an empty file is a valid upload");
        assertEquals(ErrorCode.EMPTY_FILE, serverError(c.compute(FileId.of(3), Operation.AVERAGE)).code(),
                "nothing to average");
    }

    private static ServerError serverError(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS), "refused");
        return assertInstanceOf(ServerError.class, e.getCause(), "a ServerError");
    }

    /** "name id amount" of each log line, after checking the line's whole form. */
    private static List<String> fields(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LOG_LINE.matcher(line);
            assertTrue(m.matches(), "log line form: " + line);
            out.add(m.group(1).replace(";", "") + " " + m.group(2) + " " + m.group(3));
        }
        return out;
    }

    private static List<String> sorted(List<String> list) {
        return list.stream().sorted().toList();
    }
}
