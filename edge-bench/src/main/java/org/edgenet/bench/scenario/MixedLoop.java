package org.edgenet.bench.scenario;

import org.edgenet.bench.load.Device;
import org.edgenet.bench.scenario.MixedScenario.Command;
import org.edgenet.bench.stats.Latencies;
import org.edgenet.common.message.Operation;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/** One device's closed loop: the next command starts when the previous reply arrived. */
final class MixedLoop {
    private final Device device;
    private final List<String> names;
    private final Path file;
    private final SplittableRandom random;
    private final long start;
    private final long end;
    private final long windowNanos;
    private final Map<Command, Latencies> latencies;
    private final Map<Command, AtomicLong> errors;
    private final AtomicLongArray perWindow;
    private final AtomicReference<String> firstError;
    private final AtomicLong uploads;
    private final AtomicLong deletes;
    private final CompletableFuture<Void> done;
    private final Set<Long> stored = ConcurrentHashMap.newKeySet();

    MixedLoop(Device device, List<String> names, Path file, SplittableRandom random, long start, long end,
              long windowMillis, Map<Command, Latencies> latencies, Map<Command, AtomicLong> errors,
              AtomicLongArray perWindow, AtomicReference<String> firstError, AtomicLong uploads, AtomicLong deletes,
              CompletableFuture<Void> done) {
        this.device = device;
        this.names = names;
        this.file = file;
        this.random = random;
        this.start = start;
        this.end = end;
        this.windowNanos = windowMillis * 1_000_000;
        this.latencies = latencies;
        this.errors = errors;
        this.perWindow = perWindow;
        this.firstError = firstError;
        this.uploads = uploads;
        this.deletes = deletes;
        this.done = done;
    }

    void next() {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        // Each device has its own seeded random: the same run issues the same sequence of commands.
        Command c = Command.pick(random);
        if ((c == Command.SCS || c == Command.DTE) && stored.isEmpty()) {
            c = Command.UED;
        }
        Command command = c;
        long fileId = command == Command.UED ? random.nextInt(MixedScenario.FILE_IDS)
                : command == Command.SCS || command == Command.DTE ? anyStored() : -1;
        long t0 = System.nanoTime();
        CompletableFuture<?> f = switch (command) {
            case AED -> device.listActive();
            case UED -> device.upload(fileId, file).thenRun(() -> {
                stored.add(fileId);
                uploads.incrementAndGet();
            });
            case SCS -> device.compute(fileId, Operation.values()[random.nextInt(4)]);
            case DTE -> device.delete(fileId).thenRun(() -> {
                stored.remove(fileId);
                deletes.incrementAndGet();
            });
            case LOOKUP -> device.lookupPeer(other());
        };
        f.whenComplete((r, e) -> {
            long now = System.nanoTime();
            if (e != null) {
                // A failed command ends this device's loop: a dead connection would otherwise spin.
                errors.get(command).incrementAndGet();
                firstError.compareAndSet(null, command.label() + ": " + Device.describe(e));
                done.complete(null);
                return;
            } else {
                latencies.get(command).record(now - t0);
                // Replies after the end still count for latency, not for the throughput windows.
                int w = (int) ((now - start) / windowNanos);
                if (w < perWindow.length() && now < end) {
                    perWindow.incrementAndGet(w);
                }
            }
            next();
        });
    }

    /** One of this device's uploaded file IDs; only called when there is one. */
    private long anyStored() {
        Long[] ids = stored.toArray(Long[]::new);
        return ids[random.nextInt(ids.length)];
    }

    /** Another device's name, for the UVF lookup: every device of the mix is joined. */
    private String other() {
        String me = device.name();
        String pick;
        do {
            pick = names.get(random.nextInt(names.size()));
        } while (pick.equals(me) && names.size() > 1);
        return pick;
    }
}
