package org.edgenet.common.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTimerTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final ChannelTimer timer = new ChannelTimer();
    private final AtomicInteger runs = new AtomicInteger();
    /** Owns the timer as the server's handlers do: cancels it on leaving the pipeline, as on every close. */
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            timer.cancel();
        }
    });

    private ChannelHandlerContext ctx() {
        return channel.pipeline().firstContext();
    }

    @Test
    void runsTheTaskOnceItsTimeHasCome() {
        channel.freezeTime();
        timer.schedule(ctx(), runs::incrementAndGet, SECOND);

        channel.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(0, runs.get(), "not before its time");
        assertTrue(timer.pending(), "pending until it runs");

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(1, runs.get(), "run once its time has come");
        assertFalse(timer.pending(), "no longer pending once run");
    }

    @Test
    void schedulingAgainReplacesThePendingTask() {
        channel.freezeTime();
        timer.schedule(ctx(), runs::incrementAndGet, SECOND);
        timer.schedule(ctx(), () -> runs.addAndGet(10), 2 * SECOND);

        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(10, runs.get(), "only the second task ran");
    }

    @Test
    void closingTheChannelCancelsThePendingTaskThroughItsHandler() {
        channel.freezeTime();
        timer.schedule(ctx(), runs::incrementAndGet, SECOND);

        channel.close();
        assertFalse(timer.pending(), "cancelled by the close");
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(0, runs.get(), "the task never ran");
    }

    @Test
    void aTaskScheduledOnAClosedChannelIsCancelledAtOnce() {
        ChannelHandlerContext ctx = ctx();
        channel.close();

        timer.schedule(ctx, runs::incrementAndGet, SECOND);
        assertFalse(timer.pending(), "nothing stays pending for a closed channel");
    }
}
