package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.edgenet.common.format.DeviceName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EncodedDevicesTest {
    private static final List<DeviceInfo> DEVICES = List.of(
            new DeviceInfo(DeviceName.of("supersmartwatch"), "127.0.0.1", 5432, "1 June 2022 10:00:00"),
            new DeviceInfo(DeviceName.of("uav-camera"), "10.0.0.17", 65535, "1 June 2022 10:00:01"),
            new DeviceInfo(DeviceName.of("tempsensor"), "192.168.100.200", 1, "30 November 2026 23:59:59"));

    private static EncodedDevices encoded() {
        return EncodedDevices.of(DEVICES.stream().map(DeviceInfo::encoded).toList());
    }

    private static byte[] frame(Message m) {
        ByteBuf out = Unpooled.buffer();
        try {
            MessageCodec.encode(m, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static List<DeviceInfo> without(int index) {
        List<DeviceInfo> rest = new ArrayList<>(DEVICES);
        rest.remove(index);
        return rest;
    }

    @Test
    void aReplyOfEncodedEntriesIsTheSameFrameAsOneEncodedDeviceByDevice() {
        assertArrayEquals(frame(new ActiveDevices(DEVICES)), frame(new ActiveDevices(encoded())),
                "all entries, copied");
        for (int i = 0; i < DEVICES.size(); i++) {
            assertArrayEquals(frame(new ActiveDevices(without(i))), frame(new ActiveDevices(encoded().without(i))),
                    "entry " + i + " left out");
        }
        assertArrayEquals(frame(new ActiveDevices(List.of())), frame(new ActiveDevices(EncodedDevices.of(List.of()))),
                "no entries");
    }

    @Test
    void theCodecSendsTheEntriesAsTheyWereEncodedBehindOneHeader() {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);
        try {
            List<EncodedDevices> views = List.of(encoded(), encoded().without(0), encoded().without(1),
                    encoded().without(2), EncodedDevices.of(List.of()));
            // The header with the count, then the entries before and after the one left out, uncopied.
            List<Integer> parts = List.of(2, 2, 3, 2, 1);
            for (int v = 0; v < views.size(); v++) {
                EncodedDevices view = views.get(v);
                ch.writeOutbound(new ActiveDevices(view));
                assertEquals(parts.get(v), ch.outboundMessages().size(), "buffers sent for view " + v);
                ByteBuf sent = Unpooled.buffer();
                for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                    sent.writeBytes(b);
                    b.release();
                }
                assertArrayEquals(frame(new ActiveDevices(List.copyOf(view))), ByteBufUtil.getBytes(sent),
                        "view " + v + " sends the frame encoded device by device");
                sent.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void theEntriesReadBackAsTheDevicesTheyWereEncodedFrom() {
        assertEquals(DEVICES, encoded(), "all entries");
        for (int i = 0; i < DEVICES.size(); i++) {
            assertEquals(without(i), encoded().without(i), "entry " + i + " left out");
        }
        EncodedDevices alone = EncodedDevices.of(List.of(DEVICES.get(1).encoded())).without(0);
        assertEquals(List.of(), alone, "the only entry left out");
        assertEquals(new ActiveDevices(without(0)), MessageCodec.decode(Unpooled.wrappedBuffer(
                frame(new ActiveDevices(encoded().without(0))))), "the frame decodes to the devices");
    }

    @Test
    void leavingOutAnEntryThatIsNotThereOrASecondOneIsRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> encoded().without(3), "past the end");
        assertThrows(IndexOutOfBoundsException.class, () -> encoded().without(-1), "before the start");
        assertThrows(IllegalStateException.class, () -> encoded().without(0).without(0), "a second one");
        assertThrows(IndexOutOfBoundsException.class, () -> encoded().without(1).get(2), "past the view's end");
    }

    @Test
    void entriesHeldInSeveralChunksMakeTheSameFramesAndReadBackTheSame() {
        List<byte[]> entries = DEVICES.stream().map(DeviceInfo::encoded).toList();
        // One entry a chunk, then two in the first chunk and one in the second, then all in one.
        for (int chunkBytes : new int[] {1, entries.get(0).length + entries.get(1).length, EncodedDevices.CHUNK_BYTES}) {
            EncodedDevices chunked = EncodedDevices.of(entries, chunkBytes);
            assertEquals(DEVICES, chunked, "all entries, chunks of " + chunkBytes);
            assertArrayEquals(frame(new ActiveDevices(DEVICES)), frame(new ActiveDevices(chunked)),
                    "all entries copied, chunks of " + chunkBytes);
            assertArrayEquals(frame(new ActiveDevices(DEVICES)), sent(chunked), "all entries sent, chunks of " + chunkBytes);
            for (int i = 0; i < DEVICES.size(); i++) {
                EncodedDevices view = EncodedDevices.of(entries, chunkBytes).without(i);
                String what = "entry " + i + " left out, chunks of " + chunkBytes;
                assertEquals(without(i), view, what);
                assertArrayEquals(frame(new ActiveDevices(without(i))), frame(new ActiveDevices(view)), what + ", copied");
                assertArrayEquals(frame(new ActiveDevices(without(i))), sent(view), what + ", sent");
            }
        }
    }

    /** The bytes the codec sends for {@code view}, its buffers put together. */
    private static byte[] sent(EncodedDevices view) {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);
        ByteBuf sent = Unpooled.buffer();
        try {
            ch.writeOutbound(new ActiveDevices(view));
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                sent.writeBytes(b);
                b.release();
            }
            return ByteBufUtil.getBytes(sent);
        } finally {
            sent.release();
            ch.finishAndReleaseAll();
        }
    }
}
