package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/**
 * The answer to AED: every other active device. Body: count u32, then each {@link DeviceInfo}.
 * Given {@link EncodedDevices}, the body is a copy of their bytes.
 */
public record ActiveDevices(List<DeviceInfo> devices) implements Message {
    public ActiveDevices {
        // Encoded devices are immutable already; copying would decode every entry.
        devices = devices instanceof EncodedDevices ? devices : List.copyOf(devices);
    }

    public MessageType type() {
        return MessageType.ACTIVE_DEVICES;
    }

    public void writeBody(ByteBuf out) {
        out.writeInt(devices.size());
        if (devices instanceof EncodedDevices encoded) {
            encoded.writeTo(out);
            return;
        }
        for (DeviceInfo d : devices) {
            d.write(out);
        }
    }

    /**
     * For an {@link EncodedDevices} view: the frame's header and count in {@code header}, then the
     * entries as buffers wrapping their bytes, added to {@code out} after it; false for any other
     * list, whose entries must be encoded one by one.
     */
    boolean addFrameTo(ByteBuf header, List<Object> out) {
        if (!(devices instanceof EncodedDevices encoded)) {
            return false;
        }
        MessageCodec.writeHeader(header, type(), Integer.BYTES + encoded.byteLength());
        header.writeInt(encoded.size());
        out.add(header);
        encoded.addWrappedTo(out);
        return true;
    }

    static ActiveDevices read(ByteBuf in) {
        int count = BodyFields.readInt(in, "count");
        // Each entry takes at least 8 bytes, which bounds the count before anything is allocated.
        if (count < 0 || (long) count * 8 > in.readableBytes()) {
            throw new ProtocolException(
                    ErrorCode.MALFORMED, "device count " + count + " does not fit the body");
        }
        List<DeviceInfo> devices = new ArrayList<>(count);
        // Every entry is read before a refused name is reported, as in any other body, so that a
        // refused value is told apart from a frame that is broken.
        InvalidValueException refused = null;
        for (int i = 0; i < count; i++) {
            try {
                devices.add(DeviceInfo.read(in));
            } catch (InvalidValueException e) {
                refused = refused == null ? e : refused;
            }
        }
        if (refused != null) {
            throw refused;
        }
        return new ActiveDevices(devices);
    }
}
