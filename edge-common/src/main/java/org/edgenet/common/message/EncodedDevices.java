package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * Devices as AED shows them, held in their wire form: each entry was encoded once (see
 * {@link DeviceInfo#encoded()}), so an {@link ActiveDevices} reply made of them is a copy of bytes
 * rather than an encoding of every string again. Immutable; {@link #get} decodes an entry.
 *
 * <p>The entries are held in chunks of at most {@link #CHUNK_BYTES} (an entry is never split):
 * one array for a whole fleet of tens of thousands would be larger than half a G1 region, a
 * "humongous" object that G1 allocates apart and that starts a collection by itself, and a new
 * one is made after every join or leave.
 */
public final class EncodedDevices extends AbstractList<DeviceInfo> implements RandomAccess {
    /** Well under half the smallest G1 region (1 MB), so that no chunk is a humongous object. */
    static final int CHUNK_BYTES = 64 * 1024;
    private static final EncodedDevices NONE = new EncodedDevices(new byte[0][], new int[0], new int[0], -1);

    /** The entries, back to back, a chunk after another; no entry spans two chunks. */
    private final byte[][] chunks;
    /** {@code chunkStarts[k]} is where chunk {@code k} starts in the entries as one run of bytes. */
    private final int[] chunkStarts;
    /** {@code ends[i]} is where entry {@code i} ends in the entries as one run of bytes. */
    private final int[] ends;
    /** The entry this view leaves out, or -1. */
    private final int skipped;

    private EncodedDevices(byte[][] chunks, int[] chunkStarts, int[] ends, int skipped) {
        this.chunks = chunks;
        this.chunkStarts = chunkStarts;
        this.ends = ends;
        this.skipped = skipped;
    }

    /** The entries, each from {@link DeviceInfo#encoded()}, in this order. */
    public static EncodedDevices of(List<byte[]> encoded) {
        return of(encoded, CHUNK_BYTES);
    }

    static EncodedDevices of(List<byte[]> encoded, int chunkBytes) {
        if (encoded.isEmpty()) {
            return NONE;
        }
        int[] ends = new int[encoded.size()];
        List<byte[]> chunks = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        int length = 0;
        int first = 0;
        int chunkLength = 0;
        for (int i = 0; i < ends.length; i++) {
            int n = encoded.get(i).length;
            if (chunkLength > 0 && chunkLength + n > chunkBytes) {
                chunks.add(chunk(encoded, first, i, chunkLength));
                starts.add(length - chunkLength);
                first = i;
                chunkLength = 0;
            }
            chunkLength += n;
            length += n;
            ends[i] = length;
        }
        chunks.add(chunk(encoded, first, ends.length, chunkLength));
        starts.add(length - chunkLength);
        return new EncodedDevices(chunks.toArray(new byte[0][]), starts.stream().mapToInt(Integer::intValue).toArray(),
                ends, -1);
    }

    private static byte[] chunk(List<byte[]> encoded, int from, int to, int length) {
        byte[] chunk = new byte[length];
        int at = 0;
        for (int i = from; i < to; i++) {
            byte[] entry = encoded.get(i);
            System.arraycopy(entry, 0, chunk, at, entry.length);
            at += entry.length;
        }
        return chunk;
    }

    /** The same entries without the one at {@code index} (of all of them); shares the bytes. */
    public EncodedDevices without(int index) {
        if (skipped >= 0) {
            throw new IllegalStateException("an entry is left out already");
        }
        if (index < 0 || index >= ends.length) {
            throw new IndexOutOfBoundsException(index);
        }
        return new EncodedDevices(chunks, chunkStarts, ends, index);
    }

    @Override
    public int size() {
        return skipped < 0 ? ends.length : ends.length - 1;
    }

    @Override
    public DeviceInfo get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(index);
        }
        int i = skipped >= 0 && index >= skipped ? index + 1 : index;
        int start = start(i);
        int k = chunkOf(start);
        return DeviceInfo.read(Unpooled.wrappedBuffer(chunks[k], start - chunkStarts[k], ends[i] - start));
    }

    /** Writes every entry of this view, as {@link ActiveDevices#writeBody} would one by one. */
    void writeTo(ByteBuf out) {
        forEachRun((chunk, from, length) -> out.writeBytes(chunk, from, length));
    }

    /** The bytes {@link #writeTo} would write. */
    int byteLength() {
        int all = ends.length == 0 ? 0 : ends[ends.length - 1];
        return skipped < 0 ? all : all - (ends[skipped] - start(skipped));
    }

    /**
     * Adds this view's bytes to {@code out} as buffers that wrap the entries without copying them:
     * the one copy left is the channel's, into the buffer the socket is written from.
     */
    void addWrappedTo(List<Object> out) {
        forEachRun((chunk, from, length) -> out.add(Unpooled.wrappedBuffer(chunk, from, length)));
    }

    private interface Run {
        void accept(byte[] chunk, int from, int length);
    }

    /** Hands over this view's bytes in order, as runs of the chunks, the left-out entry cut out. */
    private void forEachRun(Run run) {
        int cutFrom = skipped < 0 ? -1 : start(skipped);
        int cutTo = skipped < 0 ? -1 : ends[skipped];
        for (int k = 0; k < chunks.length; k++) {
            int start = chunkStarts[k];
            int end = start + chunks[k].length;
            if (cutFrom >= start && cutTo <= end) {
                if (cutFrom > start) {
                    run.accept(chunks[k], 0, cutFrom - start);
                }
                if (cutTo < end) {
                    run.accept(chunks[k], cutTo - start, end - cutTo);
                }
            } else {
                run.accept(chunks[k], 0, chunks[k].length);
            }
        }
    }

    /** The chunk that holds the byte at {@code at} of the entries as one run. */
    private int chunkOf(int at) {
        int k = Arrays.binarySearch(chunkStarts, at);
        return k >= 0 ? k : -k - 2;
    }

    private int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }
}
