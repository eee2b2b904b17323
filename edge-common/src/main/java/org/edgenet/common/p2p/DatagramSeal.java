package org.edgenet.common.p2p;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * AES-256-GCM for one direction of one transfer: seals datagrams on the sending side and opens them
 * on the receiving side. The clear header is authenticated; the body is encrypted and authenticated.
 *
 * <p>Nonce: the direction's 12-byte IV (from {@link TransferKeys}) XOR {@code 0^4 || space || packet
 * number}, the space 0 for DATA (numbered by sequence) and 1 for control datagrams (numbered by the
 * sender's counter). A sender never seals two different bodies under one nonce: a DATA datagram is
 * sealed once and resent as it is; every control datagram takes the next number.
 *
 * <p>Holds a {@link Cipher}, so one instance serves one thread; {@link TransferKeys} makes as many
 * as needed.
 *
 * <p>The cipher works on byte arrays, never on the datagrams' direct buffers: Java 17's AES-GCM
 * takes its intrinsic path only for arrays, and over direct buffers it ran at about a third of
 * that speed, the largest item of a transfer's CPU samples. Copying a datagram into an array and
 * back costs far less than the difference.
 */
public final class DatagramSeal {
    private static final int DATA_SPACE = 0;
    private static final int CONTROL_SPACE = 1;
    private static final int NONCE_LENGTH = 12;

    private final SecretKeySpec key;
    private final byte[] iv;
    private final Cipher cipher;
    /** Plain and sealed bodies of the datagram at hand, grown to the largest one seen. */
    private byte[] input = new byte[0];
    private byte[] output = new byte[0];

    DatagramSeal(byte[] key, byte[] iv) {
        this.key = new SecretKeySpec(key, "AES");
        this.iv = iv.clone();
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has AES-GCM", e);
        }
    }

    /** Writes control datagram {@code d} with packet number {@code packetNumber}, sealed, into {@code out}. */
    public void seal(UvfDatagram d, int packetNumber, ByteBuf out) {
        if (d.type() == DatagramType.DATA) {
            throw new IllegalArgumentException("DATA is sealed by sealData");
        }
        ByteBuf body = Unpooled.buffer(64);
        try {
            UvfCodec.writeBody(d, body);
            sealBody(d.type(), d.transferId(), packetNumber, d instanceof Offer o ? o.ticketId() : 0, body.nioBuffer(), out);
        } finally {
            body.release();
        }
    }

    /** Writes a header and seals {@code body} behind it as it is; tests use it to seal bodies no record would write. */
    void sealBody(DatagramType type, long transferId, int packetNumber, long ticketId, ByteBuffer body, ByteBuf out) {
        int start = out.writerIndex();
        UvfCodec.writeHeader(out, type, transferId, packetNumber, ticketId);
        encrypt(type == DatagramType.DATA ? DATA_SPACE : CONTROL_SPACE, packetNumber,
                out.nioBuffer(start, out.writerIndex() - start), body, out);
    }

    /** Writes DATA {@code seq} of transfer {@code transferId}, its payload the remaining bytes of {@code payload}, into {@code out}. */
    public void sealData(long transferId, int seq, ByteBuffer payload, ByteBuf out) {
        sealBody(DatagramType.DATA, transferId, seq, 0, payload, out);
    }

    /**
     * Opens the body of {@code e} into {@code dst}, which grows by {@link Envelope#bodyLength()} bytes.
     * Returns false, leaving {@code dst} as it was, when the datagram was not sealed with this key:
     * forged, altered, or of another transfer or direction.
     */
    public boolean open(Envelope e, ByteBuf dst) {
        ByteBuf sealed = e.sealed();
        int length = sealed.readableBytes();
        byte[] in = input(length);
        sealed.getBytes(sealed.readerIndex(), in, 0, length);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(space(e.type()), e.packetNumber()));
            cipher.updateAAD(e.header().nioBuffer());
            int n = cipher.doFinal(in, 0, length, output(length), 0);
            dst.writeBytes(output, 0, n);
            return true;
        } catch (AEADBadTagException forged) {
            return false;
        } catch (GeneralSecurityException e2) {
            throw new IllegalStateException("AES-GCM failed on a well-formed datagram", e2);
        }
    }

    private void encrypt(int space, int packetNumber, ByteBuffer header, ByteBuffer body, ByteBuf out) {
        int length = body.remaining();
        byte[] in = input(length);
        body.get(in, 0, length);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(space, packetNumber));
            cipher.updateAAD(header);
            int n = cipher.doFinal(in, 0, length, output(length + UvfFormat.TAG_LENGTH), 0);
            out.writeBytes(output, 0, n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
    }

    private byte[] input(int length) {
        if (input.length < length) {
            input = new byte[length];
        }
        return input;
    }

    private byte[] output(int length) {
        if (output.length < length) {
            output = new byte[length];
        }
        return output;
    }

    private static int space(DatagramType type) {
        return type == DatagramType.DATA ? DATA_SPACE : CONTROL_SPACE;
    }

    private GCMParameterSpec nonce(int space, int packetNumber) {
        byte[] n = iv.clone();
        n[4] ^= (byte) (space >>> 24);
        n[5] ^= (byte) (space >>> 16);
        n[6] ^= (byte) (space >>> 8);
        n[7] ^= (byte) space;
        n[8] ^= (byte) (packetNumber >>> 24);
        n[9] ^= (byte) (packetNumber >>> 16);
        n[10] ^= (byte) (packetNumber >>> 8);
        n[11] ^= (byte) packetNumber;
        return new GCMParameterSpec(UvfFormat.TAG_LENGTH * 8, n, 0, NONCE_LENGTH);
    }
}
