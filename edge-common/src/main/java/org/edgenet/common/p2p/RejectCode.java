package org.edgenet.common.p2p;

import org.edgenet.common.wire.CodeTable;
import org.edgenet.common.wire.WireCode;

import java.util.Optional;

/**
 * Why a REJECT ended a transfer; the code travels as a u8. A code this version does not know reads
 * as {@link #OTHER}: the transfer is refused either way, and the reason text says why.
 */
public enum RejectCode implements WireCode {
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

    private static final CodeTable<RejectCode> CODES = CodeTable.of(values(), 8);

    private final int code;

    RejectCode(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }

    /** The reason with {@code code}; empty for a code this version does not know (see {@link CodeTable}). */
    public static Optional<RejectCode> lookup(int code) {
        return CODES.lookup(code);
    }
}
