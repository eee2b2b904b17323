package org.edgenet.common.p2p;

/** The datagram types of UVF and their codes on the wire. */
public enum DatagramType {
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

    private static final DatagramType[] BY_CODE = new DatagramType[8];

    static {
        for (DatagramType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    DatagramType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for {@code code}, or {@code null} when no type has it. */
    public static DatagramType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
