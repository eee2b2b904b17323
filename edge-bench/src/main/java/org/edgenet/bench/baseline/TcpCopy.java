package org.edgenet.bench.baseline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The floor under every TCP figure: the same bytes copied over a plain loopback socket into a file,
 * with 64 KiB reads and writes (EdgeNet's chunk size) and no protocol at all. The clock stops when
 * the receiver has closed its file and said so, as EdgeNet's upload stops at the server's reply.
 */
public final class TcpCopy {
    private static final int BUFFER = 64 * 1024;

    private TcpCopy() {
    }

    /** One copy's outcome. */
    public record Result(long bytes, double seconds) {
        public double megabytesPerSecond() {
            return bytes / 1e6 / seconds;
        }
    }

    public static Result copy(Path source, Path target, long timeoutSeconds) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> receive(listener, target));
            long start = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[BUFFER];
                try (InputStream in = Files.newInputStream(source)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                    }
                }
                // End of file for the receiver, while the socket stays open for its confirmation.
                s.shutdownOutput();
                // One byte back: the receiver has the whole file on disk.
                if (s.getInputStream().read() != 1) {
                    throw new IOException("receiver did not confirm the copy");
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long bytes = received.get(timeoutSeconds, TimeUnit.SECONDS);
            if (bytes != Files.size(source)) {
                throw new IOException("copied " + bytes + " bytes of " + Files.size(source));
            }
            return new Result(bytes, seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("TCP copy failed: " + e.getMessage(), e);
        }
    }

    private static long receive(ServerSocket listener, Path target) {
        // Plain blocking streams with a 64 KiB array: what anyone would write first, no tricks like sendfile.
        try (Socket s = listener.accept(); OutputStream file = Files.newOutputStream(target)) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[BUFFER];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                file.write(buf, 0, n);
                total += n;
            }
            file.close();
            s.getOutputStream().write(1);
            s.getOutputStream().flush();
            return total;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
