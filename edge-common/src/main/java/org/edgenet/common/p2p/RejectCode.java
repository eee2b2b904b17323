package org.edgenet.common.p2p;

/** Why a REJECT ended a transfer; the code travels as one byte. */
public enum RejectCode {
    /** Something not listed below; the reason text says what. */
    OTHER(0),
    /** The file or presenter name is not acceptable. */
    BAD_NAME(1),
    /** The receiver has no state for this transfer id (it never saw or already forgot it). */
    UNKNOWN_TRANSFER(2),
    /** The whole file arrived but its SHA-256 differs from the presenter's. */
    CHECKSUM_MISMATCH(3),
    /** The receiver could not store the file. */
    STORAGE_FAILED(4),
    /** The offer itself is unacceptable (size, payload size). */
    BAD_OFFER(5),
    /** The sender or receiver gave up (shut down, timed out). */
    ABANDONED(6);

    private static final RejectCode[] BY_CODE = values();

    private final int code;

    RejectCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The code for {@code code}; an unknown one reads as {@link #OTHER} so that newer peers still fail cleanly. */
    public static RejectCode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : OTHER;
    }
}
