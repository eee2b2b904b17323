package org.edgenet.common.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * Cuts the byte stream into whole frames (header and body, each in a buffer of its own) after
 * checking every header field. The length is bounded before a byte of the body is buffered, and a
 * frame whose bytes stop arriving for longer than {@link Limits#frameGap()} fails with {@link ErrorCode#FRAME_GAP}.
 * The gap counts only while the channel is read: between {@link ReadingEvent#PAUSED} and
 * {@link ReadingEvent#RESUMED} the peer's bytes cannot arrive, and the gap starts afresh after.
 * After the first error the rest of the stream is discarded.
 *
 * <p>Which type bytes are known comes from the caller (the pipeline's initializer passes
 * {@code MessageType::isKnown}): framing sits below the messages and does not depend on them.
 */
public final class FrameDecoder extends GapTimedDecoder {
    private final Limits limits;
    private final IntPredicate knownType;
    private boolean paused;

    /**
     * @param knownType true for a type byte this side can read; a frame of any other type fails
     *                  with {@link ErrorCode#UNKNOWN_TYPE} as soon as its header arrives
     */
    public FrameDecoder(Limits limits, IntPredicate knownType) {
        super(limits.frameGap());
        this.limits = limits;
        this.knownType = knownType;
    }

    @Override
    protected void decodeRecords(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= WireFormat.HEADER_LENGTH) {
            int start = in.readerIndex();
            int bodyLength = checkHeader(in, start);
            int frameLength = WireFormat.HEADER_LENGTH + bodyLength;
            if (in.readableBytes() < frameLength) {
                break;
            }
            out.add(copyFrame(ctx, in, frameLength));
        }
        if (!in.isReadable()) {
            cancelGapTimer();
        } else if (!paused) {
            armGapTimer(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ReadingEvent.PAUSED) {
            paused = true;
            cancelGapTimer();
        } else if (evt == ReadingEvent.RESUMED) {
            paused = false;
            if (!failed() && internalBuffer().isReadable()) {
                armGapTimer(ctx);
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * Gives the frame its own buffer. A slice would pin the cumulation buffer while the frame lives
     * (a chunk being written, a frame held by flow control), so that during a long upload the
     * decoder could neither compact nor free it and it would grow with the file.
     */
    private static ByteBuf copyFrame(ChannelHandlerContext ctx, ByteBuf in, int frameLength) {
        ByteBuf frame = ctx.alloc().buffer(frameLength);
        frame.writeBytes(in, frameLength);
        return frame;
    }

    private int checkHeader(ByteBuf in, int start) {
        int magic = in.getUnsignedShort(start + WireFormat.MAGIC_OFFSET);
        if (magic != WireFormat.MAGIC) {
            throw new ProtocolException(ErrorCode.BAD_MAGIC, String.format("bad magic 0x%04X", magic));
        }
        int version = in.getUnsignedByte(start + WireFormat.VERSION_OFFSET);
        if (version != WireFormat.VERSION) {
            throw new ProtocolException(ErrorCode.BAD_VERSION, "unsupported version " + version);
        }
        int type = in.getUnsignedByte(start + WireFormat.TYPE_OFFSET);
        if (!knownType.test(type)) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type " + type);
        }
        long length = in.getUnsignedInt(start + WireFormat.LENGTH_OFFSET);
        if (length > limits.maxBody()) {
            throw new ProtocolException(ErrorCode.TOO_LARGE,
                    "body of " + length + " bytes exceeds the limit of " + limits.maxBody());
        }
        return (int) length;
    }

    @Override
    protected ProtocolException gapExceeded() {
        return new ProtocolException(ErrorCode.FRAME_GAP, "frame incomplete for more than " + gap().toMillis() + " ms");
    }
}
