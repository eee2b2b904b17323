package org.edgenet.common.wire;

/**
 * An enum constant that travels as a number: a message type, an error code, a datagram type or a
 * reject code. Codes are stable on the wire: a new constant takes a new code, and an old code is
 * never given a new meaning. Each such enum finds its constants through a {@link CodeTable}.
 */
public interface WireCode {
    /** The number this constant is sent as. */
    int code();
}
