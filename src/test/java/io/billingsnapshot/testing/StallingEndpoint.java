package io.billingsnapshot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP endpoint in front of a real server (PostgreSQL, SQS) that a test can turn
 * into each way a network fails:
 * <ul>
 *   <li>{@link #forward()}: passes bytes both ways (the normal state);</li>
 *   <li>{@link #stall()}: accepts connections and reads requests but never answers, on new
 *       and on open connections alike, until {@link #forward()} delivers what was held back
 *       (a black-holed route, a proxy that hangs, a server stuck in a pause);</li>
 *   <li>{@link #refuse()}: accepts and closes new connections at once and cuts the open ones
 *       (a server restarting);</li>
 *   <li>{@link #cutAll()}: resets the open connections only (a failover, a network reset).</li>
 * </ul>
 */
public final class StallingEndpoint implements AutoCloseable {

    private enum Mode { FORWARD, STALL, REFUSE }

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private Mode mode = Mode.FORWARD;

    private StallingEndpoint(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::acceptLoop);
    }

    /** An endpoint forwarding to {@code targetPort} on the loopback interface. */
    public static StallingEndpoint forwardingTo(int targetPort) {
        try {
            return new StallingEndpoint(targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An endpoint with nothing behind it that accepts connections and never answers. */
    public static StallingEndpoint silent() {
        StallingEndpoint endpoint = forwardingTo(0);
        endpoint.stall();
        return endpoint;
    }

    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return listener.getLocalPort();
    }

    public synchronized void forward() {
        mode = Mode.FORWARD;
        notifyAll();
    }

    public synchronized void stall() {
        mode = Mode.STALL;
    }

    public synchronized void refuse() {
        mode = Mode.REFUSE;
        notifyAll();
        cutAll();
    }

    public synchronized boolean stalled() {
        return mode == Mode.STALL;
    }

    public void cutAll() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        forward();
        cutAll();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (currentMode() == Mode.REFUSE) {
                    client.close();
                    continue;
                }
                // A stalled endpoint still accepts: the caller's connect succeeds, its request goes nowhere.
                open.add(client);
                daemon(() -> connect(client));
            } catch (IOException e) {
                // listener closed, or one connection failed: the loop condition decides
            }
        }
    }

    private void connect(Socket client) {
        try {
            awaitNotStalled();
            Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(server);
            daemon(() -> pump(client, server));
            pump(server, client);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    /** Copies one direction, holding every chunk back while the endpoint stalls. */
    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                awaitNotStalled();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private synchronized void awaitNotStalled() throws InterruptedException {
        while (mode == Mode.STALL) {
            wait();
        }
    }

    private synchronized Mode currentMode() {
        return mode;
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
