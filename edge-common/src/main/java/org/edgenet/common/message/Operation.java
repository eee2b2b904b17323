package org.edgenet.common.message;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.util.Optional;

/** The computations SCS offers over an uploaded file. */
public enum Operation {
    SUM, AVERAGE, MAX, MIN;

    private static final Operation[] VALUES = values();

    /** Parses the console's upper-case name; anything else is empty. */
    public static Optional<Operation> parse(String name) {
        for (Operation op : VALUES) {
            if (op.name().equals(name)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    static Operation of(int ordinal) {
        if (ordinal >= VALUES.length) {
            throw new ProtocolException(ErrorCode.MALFORMED, "unknown operation " + ordinal);
        }
        return VALUES[ordinal];
    }
}
