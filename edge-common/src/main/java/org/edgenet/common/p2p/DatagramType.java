package org.edgenet.common.p2p;

import org.edgenet.common.wire.CodeTable;
import org.edgenet.common.wire.WireCode;

import java.util.Optional;

/**
 * The datagram types of UVF and their codes on the wire (a u8). A datagram of a type this version
 * does not know is dropped and counted as {@link DropReason#UNKNOWN_TYPE}.
 */
public enum DatagramType implements WireCode {
    /** Presenter to audience: a file is coming. */
    OFFER(1),
    /** Audience to presenter: the offer is taken, send data. */
    ACCEPT(2),
    /** Presenter to audience: one numbered piece of the file. */
    DATA(3),
    /** Audience to presenter: what has arrived, and how much more may be sent. */
    ACK(4),
    /** Presenter to audience: all data is sent; here is the file's SHA-256. */
    FIN(5),
    /** Audience to presenter: the file is stored under its final name. */
    DONE(6),
    /** Either way: this transfer is refused or over; the reason says why. */
    REJECT(7);

    private static final CodeTable<DatagramType> CODES = CodeTable.of(values(), 8);

    private final int code;

    DatagramType(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The type with {@code code}; empty for a code this version does not know (see {@link CodeTable}). */
    public static Optional<DatagramType> lookup(int code) {
        return CODES.lookup(code);
    }
}
