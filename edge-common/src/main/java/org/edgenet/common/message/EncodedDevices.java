package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Devices as AED shows them, held in their wire form: each entry was encoded once (see
 * {@link DeviceInfo#encoded()}), so an {@link ActiveDevices} reply made of them is a copy of bytes
 * rather than an encoding of every string again. Immutable; {@link #get} decodes an entry.
 */
public final class EncodedDevices extends AbstractList<DeviceInfo> implements RandomAccess {
    private static final EncodedDevices NONE = new EncodedDevices(new byte[0], new int[0], -1);

    /** Every entry, back to back. */
    private final byte[] entries;
    /** {@code ends[i]} is where entry {@code i} ends in {@link #entries}. */
    private final int[] ends;
    /** The entry this view leaves out, or -1. */
    private final int skipped;

    private EncodedDevices(byte[] entries, int[] ends, int skipped) {
        this.entries = entries;
        this.ends = ends;
        this.skipped = skipped;
    }

    /** The entries, each from {@link DeviceInfo#encoded()}, in this order. */
    public static EncodedDevices of(List<byte[]> encoded) {
        if (encoded.isEmpty()) {
            return NONE;
        }
        int[] ends = new int[encoded.size()];
        int length = 0;
        for (int i = 0; i < ends.length; i++) {
            length += encoded.get(i).length;
            ends[i] = length;
        }
        byte[] entries = new byte[length];
        int at = 0;
        for (byte[] entry : encoded) {
            System.arraycopy(entry, 0, entries, at, entry.length);
            at += entry.length;
        }
        return new EncodedDevices(entries, ends, -1);
    }

    /** The same entries without the one at {@code index} (of all of them); shares the bytes. */
    public EncodedDevices without(int index) {
        if (skipped >= 0) {
            throw new IllegalStateException("an entry is left out already");
        }
        if (index < 0 || index >= ends.length) {
            throw new IndexOutOfBoundsException(index);
        }
        return new EncodedDevices(entries, ends, index);
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
        return DeviceInfo.read(Unpooled.wrappedBuffer(entries, start, ends[i] - start));
    }

    /** Writes every entry of this view, as {@link ActiveDevices#writeBody} would one by one. */
    void writeTo(ByteBuf out) {
        if (skipped < 0) {
            out.writeBytes(entries);
            return;
        }
        out.writeBytes(entries, 0, start(skipped));
        out.writeBytes(entries, ends[skipped], entries.length - ends[skipped]);
    }

    /** The bytes {@link #writeTo} would write. */
    int byteLength() {
        return skipped < 0 ? entries.length : entries.length - (ends[skipped] - start(skipped));
    }

    /**
     * Adds this view's bytes to {@code out} as buffers that wrap the entries without copying them:
     * the one copy left is the channel's, into the buffer the socket is written from.
     */
    void addWrappedTo(List<Object> out) {
        int cut = skipped < 0 ? entries.length : start(skipped);
        int rest = skipped < 0 ? entries.length : ends[skipped];
        if (cut > 0) {
            out.add(Unpooled.wrappedBuffer(entries, 0, cut));
        }
        if (rest < entries.length) {
            out.add(Unpooled.wrappedBuffer(entries, rest, entries.length - rest));
        }
    }

    private int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }
}
