package org.edgenet.common.wire;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Finds the constant of a {@link WireCode} enum by its code. Each enum builds its table once, in a
 * static field, so two constants with the same code, or a code that does not fit the field it
 * travels in, stop the enum from loading at all (an {@link ExceptionInInitializerError}) instead of
 * one silently shadowing the other on the wire.
 *
 * <p>A code that no constant has, typically from a newer peer, is looked up as empty: never a
 * default and never an exception, because what it means depends on what carries it. Each decoder
 * decides where it reads the code:
 * <ul>
 *   <li>a frame type: the frame is refused with {@link ErrorCode#UNKNOWN_TYPE} and the connection closes;</li>
 *   <li>an error code: the reply reads as {@link ErrorCode#INTERNAL}, its message led by the number;</li>
 *   <li>a datagram type: the datagram is dropped and counted;</li>
 *   <li>a reject code: the refusal reads as {@code RejectCode.OTHER}, its reason text kept.</li>
 * </ul>
 */
public final class CodeTable<E extends Enum<E> & WireCode> {
    private final List<Optional<E>> byCode;

    private CodeTable(List<Optional<E>> byCode) {
        this.byCode = byCode;
    }

    /**
     * Indexes {@code constants} by code.
     *
     * @param bits width of the unsigned field the codes travel in: 8 for a u8, 16 for a u16
     * @throws IllegalStateException when two constants share a code or a code does not fit the field
     */
    public static <E extends Enum<E> & WireCode> CodeTable<E> of(E[] constants, int bits) {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("codes travel in 1 to 16 bits, not " + bits);
        }
        int limit = 1 << bits;
        List<Optional<E>> byCode = new ArrayList<>();
        for (E c : constants) {
            int code = c.code();
            if (code < 0 || code >= limit) {
                throw new IllegalStateException(name(c) + " has code " + code + ", outside 0.." + (limit - 1));
            }
            while (byCode.size() <= code) {
                byCode.add(Optional.empty());
            }
            Optional<E> taken = byCode.get(code);
            if (taken.isPresent()) {
                throw new IllegalStateException(name(taken.get()) + " and " + name(c) + " share code " + code);
            }
            // One Optional per constant, made here: a lookup allocates nothing.
            byCode.set(code, Optional.of(c));
        }
        return new CodeTable<>(Collections.unmodifiableList(byCode));
    }

    /** The constant with {@code code}, or empty when this version knows none; see the class comment. */
    public Optional<E> lookup(int code) {
        return code >= 0 && code < byCode.size() ? byCode.get(code) : Optional.empty();
    }

    private static String name(Enum<?> c) {
        return c.getDeclaringClass().getSimpleName() + "." + c.name();
    }
}
