package org.edgenet.server.net;

import io.netty.channel.ChannelHandlerContext;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.UploadChunk;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.server.metrics.ServerMetrics;
import org.edgenet.server.service.DataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The UED state machine of one connection, for its {@link CommandHandler}, which reads the
 * messages and runs the begin and the end as requests; this class keeps the state between them,
 * hands chunks to the store and decides the upload's one reply.
 *
 * <pre>
 *   idle ──UploadBegin──▶ receiving ──UploadEnd──▶ idle     (Uploaded, or the store's refusal)
 *   idle ──refused UploadBegin──▶ discarding                 (the refusal was the reply)
 *   receiving ──a chunk fails──▶ discarding                  (its failure is the reply)
 *   receiving ──UploadAbort──▶ idle                          (no reply)
 *   discarding ──UploadEnd | UploadAbort──▶ idle             (no second reply)
 * </pre>
 *
 * <p>Reading goes on while the file's lane checks and writes earlier chunks, so receiving and
 * parsing overlap, up to {@link #MAX_CHUNKS_IN_FLIGHT} chunks per connection; only then does the
 * connection's {@link ReadGate} hold {@link ReadGate.Reason#LANE_FULL}, until one of them is done.
 * The lane runs an upload's chunks and its end in the order they were handed over, so order needs
 * nothing more here. Because results of queued chunks arrive after the upload may have failed,
 * ended or been aborted, {@link #settled} remembers the upload whose one reply is already decided,
 * and every later result of that upload stays silent. Runs on the connection's event loop only,
 * but for the count of chunks in flight: a chunk written without trouble only lowers it on the
 * lane, and wakes the event loop only when that reopens the gate, so a large upload does not cost
 * the event loop a wake-up per chunk.
 */
final class UploadReceiver {
    private static final Logger log = LoggerFactory.getLogger(UploadReceiver.class);

    /** 4 x 64 KiB per connection: enough to keep the lane busy while the next chunk arrives. */
    static final int MAX_CHUNKS_IN_FLIGHT = 4;

    private final DeviceName device;
    private final ReadGate gate;
    private final Disconnector disconnector;
    private final ServerMetrics metrics;

    /** The upload being received; null when idle or discarding. */
    private DataStore.Upload upload;
    private boolean discarding;
    /** The last upload refused or aborted: its one reply has gone out or is not owed. */
    private DataStore.Upload settled;
    /** Chunks handed to a lane and not written yet; lowered by the lane, raised by the event loop. */
    private final AtomicInteger chunksInFlight = new AtomicInteger();

    UploadReceiver(DeviceName device, ReadGate gate, Disconnector disconnector, ServerMetrics metrics) {
        this.device = device;
        this.gate = gate;
        this.disconnector = disconnector;
        this.metrics = metrics;
    }

    /** True from the begin to the end or abort: the messages of the upload are expected. */
    boolean active() {
        return upload != null || discarding;
    }

    /** The begin was refused with {@code refusal}, its answer: drop what follows until the end. */
    void refused(ProtocolException refusal) {
        metrics.uploadRefused(refusal);
        discarding = true;
    }

    /** The store's answer to the begin, back on the event loop. */
    void begun(ChannelHandlerContext ctx, FileId fileId, DataStore.Upload started, Throwable error) {
        if (!ctx.channel().isActive()) {
            if (started != null) {
                started.abort();
            }
        } else if (error != null) {
            discarding = true;
            failed(ctx, "Starting the upload of file " + fileId, error);
        } else {
            upload = started;
        }
    }

    void chunk(ChannelHandlerContext ctx, UploadChunk chunk) {
        if (!active()) {
            chunk.release();
            throw new ProtocolException(ErrorCode.UNEXPECTED_MESSAGE, "upload chunk outside an upload");
        }
        if (discarding) {
            chunk.release();
            return;
        }
        DataStore.Upload current = upload;
        metrics.uploaded(chunk.content().readableBytes());
        // The store owns the chunk from here and releases it once written.
        CompletableFuture<Void> written = current.append(chunk.content());
        if (chunksInFlight.incrementAndGet() >= MAX_CHUNKS_IN_FLIGHT) {
            gate.hold(ReadGate.Reason.LANE_FULL);
        }
        written.whenComplete((v, error) -> {
            // On the lane, or on the event loop when the chunk was done before this was added.
            boolean reopens = chunksInFlight.decrementAndGet() == MAX_CHUNKS_IN_FLIGHT - 1;
            if (error != null || reopens) {
                ctx.executor().execute(() -> written(ctx, current, error));
            }
        });
    }

    /**
     * Back on the event loop: a chunk failed, or the chunks in flight fell below the limit. The
     * gate is held only from the event loop, after the count reached the limit, and this runs after
     * that task, so it never releases a hold that is still needed nor misses one.
     */
    private void written(ChannelHandlerContext ctx, DataStore.Upload current, Throwable error) {
        assert ctx.executor().inEventLoop();
        try {
            if (error != null && settled != current) {
                settled = current;
                if (upload == current) {
                    // The store has discarded the upload; the device stops sending once it reads this.
                    upload = null;
                    discarding = true;
                }
                failed(ctx, "Storing file " + current.fileId(), error);
            }
        } catch (RuntimeException e) {
            ctx.fireExceptionCaught(e);
            return;
        }
        if (chunksInFlight.get() < MAX_CHUNKS_IN_FLIGHT) {
            gate.release(ReadGate.Reason.LANE_FULL);
        }
    }

    /**
     * The end has been read: the upload to finish, or empty when a reply already refused it and it
     * is simply over.
     */
    Optional<DataStore.Upload> end() {
        if (discarding) {
            discarding = false;
            return Optional.empty();
        }
        DataStore.Upload current = upload;
        // A chunk that fails from here on must not start discarding.
        upload = null;
        return Optional.of(current);
    }

    /** The store's answer to the end, back on the event loop: the upload's one reply. */
    void finished(ChannelHandlerContext ctx, DataStore.Upload current, Long count, Throwable error) {
        FileId fileId = current.fileId();
        if (error != null) {
            // A queued chunk that failed has already replied with the same cause.
            if (settled != current) {
                settled = current;
                failed(ctx, "Storing file " + fileId, error);
            }
            return;
        }
        log.info("Received {} from {}: {} samples", device.dataFileName(fileId), device, count);
        ctx.writeAndFlush(new Uploaded(fileId, count));
        log.info("Return message: file {} uploaded with {} samples", fileId, count);
    }

    void abort() {
        if (discarding) {
            discarding = false;
            return;
        }
        log.info("{} aborted the upload of file {}", device, upload.fileId());
        // The device expects no reply, not even for a chunk of it that fails later.
        settled = upload;
        upload.abort();
        upload = null;
    }

    /** The connection is gone: what was received is dropped. */
    void closed() {
        if (upload != null) {
            upload.abort();
            upload = null;
        }
    }

    /** The upload's one reply is this refusal or failure. */
    private void failed(ChannelHandlerContext ctx, String what, Throwable error) {
        metrics.uploadRefused(Disconnector.causeOf(error));
        disconnector.requestFailed(ctx, what + " for " + device, error);
    }
}
