package org.edgenet.server.net;

import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EmbeddedChannel} whose peer takes replies only when the test lets it, as a socket
 * whose reader has stopped: replies it has not taken stay in the channel's outbound buffer, count
 * against the water marks and change the channel's writability exactly as on a real socket.
 */
final class PeerChannel extends EmbeddedChannel {
    private long allowance = Long.MAX_VALUE;

    PeerChannel(WriteBufferWaterMark marks) {
        config().setWriteBufferWaterMark(marks);
    }

    /** From now on the peer takes no reply until {@link #take} or {@link #readAll}. */
    void stopReading() {
        allowance = 0;
    }

    /** The peer takes {@code n} more replies; returns what it took. */
    List<Object> take(int n) {
        allowance = n;
        flush();
        allowance = 0;
        return drained();
    }

    /** The peer reads again, everything that waits and all that follows; returns what waited. */
    List<Object> readAll() {
        allowance = Long.MAX_VALUE;
        flush();
        return drained();
    }

    private List<Object> drained() {
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = readOutbound()) != null) {
            out.add(o);
        }
        return out;
    }

    /** Replies made but not taken by the peer. */
    int waiting() {
        ChannelOutboundBuffer out = unsafe().outboundBuffer();
        return out == null ? 0 : out.size();
    }

    /** Bytes the water marks count for the replies not taken. */
    long waitingBytes() {
        ChannelOutboundBuffer out = unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        for (Object msg; allowance > 0 && (msg = in.current()) != null; allowance--) {
            ReferenceCountUtil.retain(msg);
            handleOutboundMessage(msg);
            in.remove();
        }
    }
}
