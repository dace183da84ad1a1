package io.billingsnapshot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback TCP endpoint that accepts connections and never answers: a hung proxy, a stalled
 * load balancer, a dependency stuck in a GC pause. {@link #silent()} never answers anything;
 * {@link #forwardingTo(int)} forwards to a real server until {@link #stall()}, after which it
 * keeps every connection open and passes no byte either way. Nothing is refused or reset, so
 * only a client's own timeouts end its wait.
 */
public final class StallingEndpoint implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean stalled;

    private StallingEndpoint(int targetPort, boolean stalled) throws IOException {
        this.targetPort = targetPort;
        this.stalled = stalled;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::acceptLoop);
    }

    /** Accepts and never answers. */
    public static StallingEndpoint silent() throws IOException {
        return new StallingEndpoint(-1, true);
    }

    /** Forwards to {@code targetPort} on loopback until {@link #stall()}. */
    public static StallingEndpoint forwardingTo(int targetPort) throws IOException {
        return new StallingEndpoint(targetPort, false);
    }

    /** From now on no byte passes, in either direction, on old and new connections alike. */
    public void stall() {
        stalled = true;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        listener.close();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                if (targetPort < 0) {
                    continue; // held open, never read, never answered
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(server);
                daemon(() -> pump(client, server));
                daemon(() -> pump(server, client));
            } catch (IOException e) {
                // the listener was closed, or one connection failed: the loop condition decides
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (stalled) {
                    closed.await(); // swallow it, and hold both sockets open until the endpoint closes
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the endpoint was closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "stalling-endpoint");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
