package org.edgenet.common.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.time.Duration;
import java.util.List;

/**
 * The two rules every listener here applies to a peer's bytes, for the decoders of its protocols:
 * the first error ends decoding for good (everything that arrives after it is discarded, and the
 * {@link ProtocolException} goes on to the pipeline's error handling), and a record may not stay
 * incomplete for longer than a gap of silence, which fails as {@link #gapExceeded()} says.
 *
 * <p>Subclasses decode in {@link #decodeRecords}, throwing a {@code ProtocolException} for bad
 * input; they arm the gap timer whenever a read leaves a record incomplete and cancel it once it
 * is whole. The timer runs on the channel's event loop, so frozen time in tests moves it.
 */
public abstract class GapTimedDecoder extends ByteToMessageDecoder {
    private final Duration gap;
    private final ChannelTimer gapTimer = new ChannelTimer();
    private boolean failed;

    protected GapTimedDecoder(Duration gap) {
        this.gap = gap;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeRecords(ctx, in, out);
        } catch (ProtocolException e) {
            fail();
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** Decodes what {@code in} holds, as {@link ByteToMessageDecoder#decode} does. */
    protected abstract void decodeRecords(ChannelHandlerContext ctx, ByteBuf in, List<Object> out);

    /** The error for a record that stayed incomplete for longer than the gap. */
    protected abstract ProtocolException gapExceeded();

    protected final Duration gap() {
        return gap;
    }

    protected final boolean failed() {
        return failed;
    }

    /** Ends decoding for good, for an error that is reported otherwise than by throwing. */
    protected final void fail() {
        failed = true;
        cancelGapTimer();
    }

    /** Restarted by every read that leaves a record incomplete: the gap counts from the last byte. */
    protected final void armGapTimer(ChannelHandlerContext ctx) {
        gapTimer.schedule(ctx, () -> onGap(ctx), gap.toNanos());
    }

    protected final void cancelGapTimer() {
        gapTimer.cancel();
    }

    private void onGap(ChannelHandlerContext ctx) {
        if (failed || !ctx.channel().isActive()) {
            return;
        }
        failed = true;
        ctx.fireExceptionCaught(gapExceeded());
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelGapTimer();
    }
}
