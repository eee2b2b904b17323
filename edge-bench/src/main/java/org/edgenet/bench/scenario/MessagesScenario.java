package org.edgenet.bench.scenario;

import org.edgenet.bench.baseline.FsyncAppend;
import org.edgenet.bench.harness.BenchContext;
import org.edgenet.bench.harness.ServerProcess;
import org.edgenet.bench.harness.Workspace;
import org.edgenet.bench.load.ThrottledTasks;
import org.edgenet.bench.load.Device;
import org.edgenet.bench.report.ScenarioResult;
import org.edgenet.bench.report.Table;
import org.edgenet.bench.stats.Latencies;
import org.edgenet.bench.stats.Spread;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.MessageBatch;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issue 11 item 5: device messages. Many joined devices send each other messages (MSG), each
 * waiting for its confirmation, which comes only once the message is on the server's disk; then
 * every device reads everything waiting for it (RDM: read a batch, acknowledge it). Figures:
 * messages stored per second (durable) and read per second, p50/p99 of MSG and of one RDM batch,
 * and, in the same run, the disk's own rate of fsync'd appends of a record of the same size: what
 * a store that forces every message on its own could confirm at most.
 */
public final class MessagesScenario implements Scenario.Measurement {
    public static final String ID = "messages";
    /** About the size of a short chat line; the journal record adds names, ids and framing. */
    static final int TEXT_BYTES = 100;

    @Override
    public void measure(BenchContext ctx, ScenarioResult result) throws Exception {
        int devices = ctx.pick(8, 256);
        int perDevice = ctx.pick(50, 1_000);
        int fsyncRecords = ctx.pick(200, 2_000);
        int repeats = ctx.repeats(3);
        long timeout = ctx.pick(60L, 600L);
        Runs stored = new Runs();
        Runs read = new Runs();
        Runs post50 = new Runs();
        Runs post99 = new Runs();
        Runs batch50 = new Runs();
        Runs batch99 = new Runs();
        Runs fsync = new Runs();
        Runs fdatasync = new Runs();
        long journalAfter = 0;
        try (Workspace ws = ctx.workspace(ID, devices);
             ServerProcess server = ctx.startServer(ws, ID)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            List<String> names = ws.devices();
            ThrottledTasks.Outcome<Device> joined = ThrottledTasks.run(devices, 64, i -> Device.join(ctx.group(),
                    address, names.get(i), Workspace.password(names.get(i)), 9000 + i)).get(timeout, TimeUnit.SECONDS);
            if (!joined.failures().isEmpty()) {
                throw new IllegalStateException(joined.failures().size() + " devices could not join: "
                        + Device.describe(joined.failures().get(0)));
            }
            List<Device> all = joined.results();
            // One untimed round at a tenth of the size: the first measured run should not pay for the JIT.
            round(all, Math.max(1, perDevice / 10), timeout, result);
            for (int r = 0; r < repeats; r++) {
                Round one = round(all, perDevice, timeout, result);
                stored.add(one.storedPerSecond());
                read.add(one.readPerSecond());
                post50.add(one.post().p50());
                post99.add(one.post().p99());
                batch50.add(one.batch().p50());
                batch99.add(one.batch().p99());
                // On the same file system as the journal, right after it was used.
                Path scratch = ws.dir().resolve("fsync-baseline.tmp");
                fsync.add(FsyncAppend.run(scratch, fsyncRecords, recordBytes(names.get(0)), false).perSecond());
                fdatasync.add(FsyncAppend.run(scratch, fsyncRecords, recordBytes(names.get(0)), true).perSecond());
            }
            journalAfter = journalBytes(ws.dir().resolve("messages"));
            for (Device d : all) {
                d.leave().get(30, TimeUnit.SECONDS);
            }
            result.serverTrouble(server.troubleLines());
        }
        long total = (long) devices * perDevice;
        // Against the faster of the two ways to force one record at a time.
        Spread ratio = stored.ratioTo(fdatasync);
        Table t = result.table(new Table("Messages stored durably and read back", "devices", "messages/run",
                "MSG stored (msg/s)", "MSG p50 (ms)", "MSG p99 (ms)", "RDM read (msg/s)", "RDM batch p50 (ms)",
                "RDM batch p99 (ms)", "appends + fsync (per s)", "appends + fdatasync, zeros ahead (per s)",
                "stored / fdatasync'd appends"));
        t.row(Runs.count(devices), Runs.count(total), stored.format(0), post50.format(2), post99.format(2),
                read.format(0), batch50.format(2), batch99.format(2), fsync.format(0), fdatasync.format(0),
                ratio.format(1));
        result.summary("Messages stored durably (msg/s)", stored.format(0), fdatasync.format(0)
                + " (appends forced one by one)", ratio.format(1));
        result.summary("Messages read and removed (msg/s)", read.format(0), "", "");
        result.ratio("messages stored per second vs appends forced one by one", ratio);
        result.figure("messages.stored.rate", "messages stored durably vs appends forced one by one", "1/s",
                stored.spread(), fdatasync.spread(), ratio);
        result.figure("messages.read.rate", "messages read and removed", "1/s", read.spread());
        result.metric("messages.stored.rate", stored.spread().median());
        result.metric("messages.read.rate", read.spread().median());
        result.metric("messages.fsync.rate", fsync.spread().median());
        result.metric("messages.fdatasync.rate", fdatasync.spread().median());
        result.metric("messages.journal.bytes", journalAfter);
        result.paragraph(String.format(Locale.ROOT, "%d joined devices each send %,d messages of %d bytes to the "
                + "others in turn, one at a time, each waiting for the server's confirmation, which comes only once "
                + "the message's journal record is forced to the disk; stored msg/s is all messages over the time "
                + "from the first send to the last confirmation, and MSG p50/p99 the time of one confirmed send. "
                + "Then every device reads everything waiting for it at once: a batch of at most 255 and its "
                + "acknowledgement (which removes the batch, also forced to the disk) make one RDM batch; every "
                + "message is checked to arrive exactly once, first in first out per sender. The baselines append "
                + "%,d records of the journal record's size (%d bytes) to a file in the server's directory and "
                + "force each one before the next: the most a store could confirm without sharing a force between "
                + "messages; once to a file that grows (fsync, data and metadata), once to a file filled with zeros "
                + "beforehand (fdatasync, data only), which is how the journal writes, and which the ratio takes. "
                + "The journal held %s MB once everything had been read (compaction deletes what was "
                + "read). One untimed round at a tenth of the size comes first; %d run(s) on one server.",
                devices, perDevice, TEXT_BYTES, fsyncRecords, recordBytes(Workspace.deviceName(1)),
                Runs.mb(journalAfter), repeats));
    }

    /** What one round measured. */
    private record Round(double storedPerSecond, double readPerSecond, Latencies post, Latencies batch) {
    }

    /** Every device sends {@code perDevice} messages, then every device reads all of its own. */
    private static Round round(List<Device> devices, int perDevice, long timeout, ScenarioResult result)
            throws Exception {
        int n = devices.size();
        Latencies post = new Latencies();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> senders = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            senders.add(send(devices, i, 0, perDevice, post, failures));
        }
        CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(timeout, TimeUnit.SECONDS);
        double storeSeconds = (System.nanoTime() - t0) / 1e9;

        Latencies batch = new Latencies();
        List<CompletableFuture<Integer>> readers = new ArrayList<>(n);
        long t1 = System.nanoTime();
        for (Device d : devices) {
            readers.add(readAll(d, batch, new HashMap<>(), 0, result));
        }
        long got = 0;
        for (CompletableFuture<Integer> f : readers) {
            got += f.get(timeout, TimeUnit.SECONDS);
        }
        double readSeconds = (System.nanoTime() - t1) / 1e9;
        long expected = (long) n * perDevice;
        if (!failures.isEmpty()) {
            result.problem(failures.size() + " MSG failed, e.g. " + failures.get(0));
        }
        if (got != expected - failures.size()) {
            result.problem("read " + got + " messages, " + (expected - failures.size()) + " were stored");
        }
        return new Round(expected / storeSeconds, got / readSeconds, post, batch);
    }

    /** Device {@code i}'s messages from number {@code k} on, each sent once the previous is confirmed. */
    private static CompletableFuture<Void> send(List<Device> devices, int i, int k, int perDevice, Latencies post,
                                                List<String> failures) {
        if (k == perDevice) {
            return CompletableFuture.completedFuture(null);
        }
        Device from = devices.get(i);
        // To every other device in turn, so every mailbox fills.
        Device to = devices.get((i + 1 + k % (devices.size() - 1)) % devices.size());
        long t0 = System.nanoTime();
        return from.postMessage(to.name(), text(from.name(), k)).handle((id, e) -> {
            if (e != null) {
                failures.add(Device.describe(e));
            } else {
                post.since(t0);
            }
            return null;
        }).thenCompose(v -> send(devices, i, k + 1, perDevice, post, failures));
    }

    /** {@code <sender>:<number>:} then filler up to {@link #TEXT_BYTES}. */
    static String text(String sender, int k) {
        String head = sender + ":" + k + ":";
        return head + "x".repeat(Math.max(1, TEXT_BYTES - head.length()));
    }

    /** Reads until nothing waits; yields how many arrived, checking FIFO per sender and no repeats. */
    private static CompletableFuture<Integer> readAll(Device d, Latencies batch, Map<String, Integer> lastBySender,
                                                      int count, ScenarioResult result) {
        long t0 = System.nanoTime();
        return d.readMessages(255).thenCompose(b -> {
            if (b.messages().isEmpty()) {
                return CompletableFuture.completedFuture(count);
            }
            check(d.name(), b, lastBySender, result);
            return d.ackMessages(b.lastId()).thenCompose(left -> {
                batch.since(t0);
                return readAll(d, batch, lastBySender, count + b.messages().size(), result);
            });
        });
    }

    private static void check(String reader, MessageBatch b, Map<String, Integer> lastBySender,
                              ScenarioResult result) {
        for (MailItem m : b.messages()) {
            String[] parts = m.text().split(":", 3);
            int k = Integer.parseInt(parts[1]);
            Integer last = lastBySender.put(parts[0], k);
            if (!parts[0].equals(m.sender()) || (last != null && last >= k)) {
                result.problem(reader + " got message " + k + " of " + m.sender() + " out of order or twice");
            }
        }
    }

    /** The journal record of one message: framing, id, time, both names and the text. */
    static int recordBytes(String device) {
        return 8 + 1 + 8 + 8 + 1 + device.length() + 1 + device.length() + 2 + TEXT_BYTES;
    }

    private static long journalBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            long sum = 0;
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("journal-")).toList()) {
                sum += Files.size(p);
            }
            return sum;
        }
    }
}
