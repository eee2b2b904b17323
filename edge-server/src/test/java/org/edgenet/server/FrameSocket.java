package org.edgenet.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.edgenet.common.message.Message;
import org.edgenet.common.message.MessageCodec;
import org.edgenet.common.wire.WireFormat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/** A device spoken with a plain blocking socket, frame by frame, for tests against a real server. */
public final class FrameSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    public FrameSocket(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
    }

    public void send(Message m) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        MessageCodec.encode(m, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Bytes as they are, e.g. what a load balancer puts before the device's first frame. */
    public void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** The next message; {@link EOFException} when the server has closed. */
    public Message receive() throws IOException {
        byte[] header = new byte[WireFormat.HEADER_LENGTH];
        in.readFully(header);
        int length = ((header[4] & 0xFF) << 24) | ((header[5] & 0xFF) << 16) | ((header[6] & 0xFF) << 8)
                | (header[7] & 0xFF);
        byte[] frame = new byte[header.length + length];
        System.arraycopy(header, 0, frame, 0, header.length);
        in.readFully(frame, header.length, length);
        return MessageCodec.decode(Unpooled.wrappedBuffer(frame));
    }

    /** True when the server closes the connection with nothing more to read. */
    public boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
