package org.edgenet.common.p2p;

/**
 * Constants of UVF, the peer-to-peer file transfer over UDP. Every datagram starts with the same
 * 12-byte header, all integers in network byte order:
 *
 * <pre>
 *  0        2      3      4                               12
 *  +--------+------+------+-------------------------------+---------------------+
 *  | magic  | vers.| type | transfer id (u64)             | body (type's layout) |
 *  | 0xED75 | 0x01 |  u8  | chosen at random by presenter |                     |
 *  +--------+------+------+-------------------------------+---------------------+
 * </pre>
 *
 * The bodies are drawn on each datagram record and in {@code docs/UVF-PROTOCOL.md}.
 */
public final class UvfFormat {
    public static final int MAGIC = 0xED75;
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 12;

    /** Header plus the DATA sequence number: what precedes the payload. */
    public static final int DATA_OVERHEAD = HEADER_LENGTH + 4;

    /** The largest UDP payload IPv4 can carry; anything longer is not a UVF datagram. */
    public static final int MAX_DATAGRAM = 65_507;

    /** Largest DATA payload: a maximal datagram less the DATA header. */
    public static final int MAX_PAYLOAD = MAX_DATAGRAM - DATA_OVERHEAD;

    /** DATA payload across a real network: with IP and UDP headers it stays under a 1,500 B MTU. */
    public static final int WAN_PAYLOAD = 1_400;

    /** Smallest payload a presenter may offer, so that a transfer has a sane number of datagrams. */
    public static final int MIN_PAYLOAD = 512;

    /** Largest SACK bitmap in an ACK, in bits; also the largest window in datagrams. */
    public static final int MAX_SACK_BITS = 8_192;

    /** Length of the SHA-256 digest carried by FIN. */
    public static final int DIGEST_LENGTH = 32;

    /** Longest file or presenter name, in UTF-8 bytes (a path component on common file systems). */
    public static final int MAX_NAME_BYTES = 255;

    /** Longest REJECT reason, in UTF-8 bytes. */
    public static final int MAX_REASON_BYTES = 255;

    private UvfFormat() {
    }

    /** How many DATA datagrams a file of {@code size} bytes takes with {@code payload} bytes each. */
    public static long datagramCount(long size, int payload) {
        return (size + payload - 1) / payload;
    }
}
