package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.edgenet.common.format.FileId;
import org.edgenet.common.testing.Frames;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.FrameDecoder;
import org.edgenet.common.wire.Limits;
import org.edgenet.common.wire.ProtocolException;
import org.edgenet.common.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DLD messages on bytes: what is refused, and the chunk that goes out without a copy. */
class DownloadCodecTest {
    private final List<Throwable> errors = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new FrameDecoder(Limits.CLIENT, MessageType::isKnown), MessageCodec.INSTANCE,
            new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    errors.add(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
                }
            });

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @Test
    void theWireCodesAreTheOnesAllocatedToDownload() {
        assertEquals(List.of(50, 51, 52, 53, 54, 55), List.of(MessageType.DOWNLOAD.code(),
                MessageType.DOWNLOAD_BEGIN.code(), MessageType.DOWNLOAD_CHUNK.code(), MessageType.DOWNLOAD_END.code(),
                MessageType.DOWNLOAD_CANCEL.code(), MessageType.DOWNLOAD_CANCELLED.code()));
        assertEquals(107, ErrorCode.FILE_CHANGED.code());
        assertTrue(!ErrorCode.FILE_CHANGED.fatal(), "a changed file ends the download, not the session");
    }

    @Test
    void aDownloadIsTheFileIdAlone() {
        ByteBuf frame = Frames.of(new Download(FileId.of(258)));
        try {
            assertEquals(WireFormat.HEADER_LENGTH + 8, frame.readableBytes(), "header and one i64");
            assertEquals(258, frame.getLong(WireFormat.HEADER_LENGTH), "the file ID");
        } finally {
            frame.release();
        }
    }

    @Test
    void aNegativeFileIdInADownloadBecomesAnInvalidMessageAndFramingGoesOn() {
        channel.writeInbound(Unpooled.wrappedBuffer(
                Frames.withBody(MessageType.DOWNLOAD.code(), new byte[] {-1, -1, -1, -1, -1, -1, -1, -5}),
                Frames.of(new Leave())));

        assertEquals(new InvalidMessage(MessageType.DOWNLOAD, "file ID must not be negative: -5"), channel.readInbound());
        assertEquals(new Leave(), channel.readInbound(), "the next frame is whole");
        assertTrue(errors.isEmpty(), "not an error of the frame: " + errors);
    }

    @Test
    void rejectsABeginWithANegativeSize() {
        byte[] body = new byte[16];
        Arrays.fill(body, 8, 16, (byte) 0xFF);
        channel.writeInbound(Frames.withBody(MessageType.DOWNLOAD_BEGIN.code(), body));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "no server announces a negative size");
    }

    @Test
    void rejectsAnEndWhoseDigestIsShort() {
        channel.writeInbound(Frames.withBody(MessageType.DOWNLOAD_END.code(), new byte[31]));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "a SHA-256 is 32 bytes");
    }

    @Test
    void rejectsAnEndWithABytePastTheDigest() {
        channel.writeInbound(Frames.withBody(MessageType.DOWNLOAD_END.code(), new byte[33]));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "bytes after the digest");
    }

    @Test
    void rejectsACancelWithABody() {
        channel.writeInbound(Frames.withBody(MessageType.DOWNLOAD_CANCEL.code(), new byte[] {1}));

        assertEquals(ErrorCode.MALFORMED, onlyCode(), "a cancel is empty");
    }

    @Test
    void sendsADownloadChunkAsAHeaderFollowedByTheUntouchedData() {
        byte[] data = new byte[WireFormat.UPLOAD_CHUNK_SIZE];
        data[0] = '7';
        data[data.length - 1] = '\n';
        ByteBuf original = Unpooled.wrappedBuffer(data);
        channel.writeOutbound(new DownloadChunk(original));

        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        ByteBuf sent = Unpooled.wrappedBuffer(header, body);
        ByteBuf expected = Frames.withBody(MessageType.DOWNLOAD_CHUNK.code(), data);
        try {
            assertTrue(body.unwrap() == original || body == original, "the data buffer itself, not a copy");
            assertEquals(expected, sent, "header and data together");
        } finally {
            sent.release();
            expected.release();
        }
    }

    @Test
    void aDownloadChunkFedOneByteAtATimeComesOutWhole() {
        byte[] data = "12\n-4\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuf frame = Frames.withBody(MessageType.DOWNLOAD_CHUNK.code(), data);
        while (frame.isReadable()) {
            assertNull(channel.readInbound(), "nothing before the last byte");
            channel.writeInbound(frame.readRetainedSlice(1));
        }
        frame.release();
        DownloadChunk chunk = channel.readInbound();
        try {
            byte[] got = new byte[chunk.content().readableBytes()];
            chunk.content().getBytes(chunk.content().readerIndex(), got);
            assertArrayEquals(data, got, "the chunk's bytes");
        } finally {
            chunk.release();
        }
    }

    @Test
    void theDigestOfAnEndIsCopiedInAndOutAndComparedByValue() {
        byte[] digest = new byte[DownloadEnd.DIGEST_LENGTH];
        digest[0] = 1;
        DownloadEnd end = new DownloadEnd(digest);
        digest[0] = 2;
        assertEquals(1, end.sha256()[0], "a later change to the caller's array does not reach the message");
        end.sha256()[0] = 3;
        assertEquals(1, end.sha256()[0], "nor does a change to the array it hands out");
        byte[] same = new byte[DownloadEnd.DIGEST_LENGTH];
        same[0] = 1;
        assertEquals(new DownloadEnd(same), end, "equal by value");
        assertNotEquals(new DownloadEnd(new byte[DownloadEnd.DIGEST_LENGTH]), end, "a different digest");
        assertThrows(IllegalArgumentException.class, () -> new DownloadEnd(new byte[20]), "not a SHA-256");
        assertThrows(IllegalArgumentException.class, () -> new DownloadBegin(FileId.of(1), -1), "negative size");
    }

    private ErrorCode onlyCode() {
        assertEquals(1, errors.size(), "exactly one error: " + errors);
        Throwable cause = errors.get(0);
        assertTrue(cause instanceof ProtocolException, "a ProtocolException, not " + cause);
        assertNull(channel.readInbound(), "nothing decoded from a bad frame");
        return ((ProtocolException) cause).code();
    }
}
