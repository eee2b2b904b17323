package org.edgenet.client.p2p;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Collects what a {@link PeerNode} reports, for tests to wait on with a deadline. */
final class RecordingEvents implements TransferEvents {
    record Received(String fileName, String presenter, Path stored) {
    }

    record Failed(String fileName, String presenter, String reason) {
    }

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Failed> failed = new LinkedBlockingQueue<>();
    /** Every leftovers report: files, then bytes. */
    final BlockingQueue<long[]> leftovers = new LinkedBlockingQueue<>();
    final AtomicInteger sendingProgress = new AtomicInteger();
    final AtomicInteger receivingProgress = new AtomicInteger();
    /** Runs on every progress report of a sending transfer. */
    volatile Runnable onSendingProgress = () -> { };
    /** Counted down on every progress report of a receiving transfer. */
    final CountDownLatch receivingStarted = new CountDownLatch(1);

    @Override
    public void received(String fileName, String presenter, Path stored) {
        received.add(new Received(fileName, presenter, stored));
    }

    @Override
    public void progress(String fileName, String peer, boolean sending, long doneBytes, long totalBytes) {
        (sending ? sendingProgress : receivingProgress).incrementAndGet();
        if (sending) {
            onSendingProgress.run();
        } else {
            receivingStarted.countDown();
        }
    }

    @Override
    public void receiveFailed(String fileName, String presenter, String reason) {
        failed.add(new Failed(fileName, presenter, reason));
    }

    @Override
    public void leftoversRemoved(int files, long bytes) {
        leftovers.add(new long[] {files, bytes});
    }

    Received nextReceived() throws InterruptedException {
        Received r = received.poll(30, TimeUnit.SECONDS);
        assertNotNull(r, "no received event within 30 s");
        return r;
    }

    Failed nextFailed() throws InterruptedException {
        Failed f = failed.poll(30, TimeUnit.SECONDS);
        assertNotNull(f, "no receiveFailed event within 30 s");
        return f;
    }
}
