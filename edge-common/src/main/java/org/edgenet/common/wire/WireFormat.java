package org.edgenet.common.wire;

/**
 * Constants of the TCP frame. Every frame is an 8-byte header followed by a body, all integers in
 * network byte order:
 *
 * <pre>
 *  0      2      3      4              8
 *  +------+------+------+--------------+------------------+
 *  |magic |vers. | type | body length  | body (length B)  |
 *  |0xED6E| 0x01 | u8   | u32 (< 2^31) |                  |
 *  +------+------+------+--------------+------------------+
 * </pre>
 */
public final class WireFormat {
    public static final int MAGIC = 0xED6E;
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 8;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int TYPE_OFFSET = 3;
    public static final int LENGTH_OFFSET = 4;

    /** Largest upload chunk a client sends; well under the server's frame bound. */
    public static final int UPLOAD_CHUNK_SIZE = 64 * 1024;

    private WireFormat() {
    }
}
