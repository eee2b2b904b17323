package org.edgenet.bench.baseline;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * The floor under SCS: one request and one small reply over a plain loopback socket, answered from
 * a value known in advance. EdgeNet's server also answers SCS from a summary it computed while the
 * file was uploaded, so what separates the two is EdgeNet's protocol, pipeline and threads.
 */
public final class RoundTripServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<String> answers;
    private final Thread worker;

    /** Answers request {@code i} with {@code answers.get(i)}. */
    public RoundTripServer(List<String> answers) throws IOException {
        this.answers = List.copyOf(answers);
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        worker = new DefaultThreadFactory("round-trip-baseline", true).newThread(this::serve);
        worker.start();
    }

    /** A connection to the server; one request at a time. */
    public final class Client implements AutoCloseable {
        private final Socket socket;
        private final DataOutputStream out;
        private final DataInputStream in;

        private Client() throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            socket.setTcpNoDelay(true);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
        }

        /** Sends request {@code index} and waits for its answer. */
        public String ask(int index) throws IOException {
            out.writeInt(index);
            out.flush();
            return in.readUTF();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    public Client connect() throws IOException {
        return new Client();
    }

    private void serve() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                while (true) {
                    out.writeUTF(answers.get(in.readInt()));
                    out.flush();
                }
            } catch (IOException e) {
                // The client hung up, or close() stopped the server.
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
