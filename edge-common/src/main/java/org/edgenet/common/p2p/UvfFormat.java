package org.edgenet.common.p2p;

/**
 * Constants of UVF, the peer-to-peer file transfer over UDP. Every datagram starts with the same
 * 16-byte header, all integers in network byte order, and ends with a 16-byte AES-GCM tag over the
 * header and the body between them (the body encrypted):
 *
 * <pre>
 *  0        2      3      4                   12               16            16 (24 for OFFER)
 *  +--------+------+------+-------------------+----------------+-------------+-----------+------+
 *  | magic  | vers.| type | transfer id (u64) | packet number  | OFFER only: | sealed    | tag  |
 *  | 0xED75 | 0x02 |  u8  | chosen at random  | (u32, < 2^31)  | ticket (u64)| body      | 16 B |
 *  +--------+------+------+-------------------+----------------+-------------+-----------+------+
 * </pre>
 *
 * The packet number is the sequence number for DATA and the sender's count of control datagrams
 * otherwise; with the direction and the transfer's key it makes each datagram's nonce. The bodies
 * are drawn on each datagram record and in {@code docs/UVF-PROTOCOL.md}.
 */
public final class UvfFormat {
    public static final int MAGIC = 0xED75;
    public static final int VERSION = 2;
    public static final int HEADER_LENGTH = 16;

    /** The OFFER's header: the common one and the ticket id. */
    public static final int OFFER_HEADER_LENGTH = HEADER_LENGTH + 8;

    /** The AES-GCM authentication tag at the end of every datagram. */
    public static final int TAG_LENGTH = 16;

    /** Header plus tag: what a DATA datagram carries besides its payload. */
    public static final int DATA_OVERHEAD = HEADER_LENGTH + TAG_LENGTH;

    /** The largest UDP payload IPv4 can carry; anything longer is not a UVF datagram. */
    public static final int MAX_DATAGRAM = 65_507;

    /** Largest DATA payload: a maximal datagram less the DATA overhead. */
    public static final int MAX_PAYLOAD = MAX_DATAGRAM - DATA_OVERHEAD;

    /** DATA payload across a real network: with IP and UDP headers it stays under a 1,500 B MTU. */
    public static final int WAN_PAYLOAD = 1_400;

    /** Smallest payload a presenter may offer, so that a transfer has a sane number of datagrams. */
    public static final int MIN_PAYLOAD = 512;

    /** Largest SACK bitmap in an ACK, in bits; also the largest window in datagrams. */
    public static final int MAX_SACK_BITS = 8_192;

    /** Length of the SHA-256 digest carried by FIN. */
    public static final int DIGEST_LENGTH = 32;

    /** Longest file name, in UTF-8 bytes (a path component on common file systems). */
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
