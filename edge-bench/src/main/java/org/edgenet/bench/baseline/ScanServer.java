package org.edgenet.bench.baseline;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The floor under SCS: a plain loopback socket server that, per request, reads the named file and
 * computes the answer with a straightforward byte loop, then replies. Same request shape as SCS
 * (one round trip, one scan of the file), none of EdgeNet's framing, threads or checks.
 */
public final class ScanServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Path> files;
    private final Thread worker;

    /** Serves scans of {@code files}, addressed by index. */
    public ScanServer(List<Path> files) throws IOException {
        this.files = List.copyOf(files);
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        worker = new Thread(this::serve, "scan-baseline");
        worker.setDaemon(true);
        worker.start();
    }

    /** A connection to the scan server; one request at a time. */
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

        /** Asks for the sum of file {@code index}; returns it as text, as SCS does. */
        public String sum(int index) throws IOException {
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
                    int index = in.readInt();
                    out.writeUTF(sum(files.get(index)).toString());
                    out.flush();
                }
            } catch (IOException e) {
                // The client hung up, or close() stopped the server.
            }
        }
    }

    /** Sums one integer per line, a long at a time with BigInteger only on overflow risk. */
    static BigInteger sum(Path file) throws IOException {
        BigInteger total = BigInteger.ZERO;
        long partial = 0;
        long value = 0;
        boolean negative = false;
        boolean inNumber = false;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), buf.length)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b >= '0' && b <= '9') {
                        value = value * 10 + (b - '0');
                        inNumber = true;
                    } else if (b == '-') {
                        negative = true;
                    } else if (b == '\n') {
                        if (inNumber) {
                            partial += negative ? -value : value;
                            if (Math.abs(partial) > (1L << 60)) {
                                total = total.add(BigInteger.valueOf(partial));
                                partial = 0;
                            }
                        }
                        value = 0;
                        negative = false;
                        inNumber = false;
                    }
                }
            }
        }
        if (inNumber) {
            partial += negative ? -value : value;
        }
        return total.add(BigInteger.valueOf(partial));
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
