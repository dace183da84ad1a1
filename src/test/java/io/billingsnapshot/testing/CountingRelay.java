package io.billingsnapshot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay between the function and PostgreSQL that counts database round trips from the
 * outside and can add network latency, the way RDS Proxy costs about a millisecond each way.
 *
 * <p>A round trip is a client-to-server burst: the client starting to send after the server
 * last spoke (or on a new connection). Whatever the driver does (BEGIN sent along with the
 * first statement, several protocol messages per statement), this counts what waits on the
 * network. With a delay, every chunk read is forwarded that much later, in order, so a burst
 * of many packets costs the delay once, as latency does.
 */
public final class CountingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final AtomicLong roundTrips = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private CountingRelay(InetSocketAddress target, Duration delayEachWay) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.delayNanos = delayEachWay.toNanos();
        daemon("relay-accept", this::acceptLoop).start();
    }

    /** A relay on a free loopback port to {@code host:port}, adding {@code delayEachWay} in both directions. */
    public static CountingRelay start(String host, int port, Duration delayEachWay) {
        try {
            return new CountingRelay(new InetSocketAddress(host, port), delayEachWay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Round trips since the relay started; take the difference around what you measure. */
    public long roundTrips() {
        return roundTrips.get();
    }

    /** The JDBC URL of {@code url} with its host and port replaced by this relay. */
    public String relayUrl(String url) {
        return url.replaceFirst("//[^/]+/", "//127.0.0.1:" + port() + "/");
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(CountingRelay::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target);
                for (Socket s : List.of(client, server)) {
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                }
                Connection connection = new Connection();
                pump(client, server, connection, true);
                pump(server, client, connection, false);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    /** Who spoke last on one relayed connection. */
    private static final class Connection {
        volatile boolean serverSpokeLast = true;
    }

    private void pump(Socket from, Socket to, Connection connection, boolean clientToServer) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Chunk> delayed = new LinkedBlockingQueue<>();
        daemon("relay-read", () -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (clientToServer && connection.serverSpokeLast) {
                        roundTrips.incrementAndGet();
                    }
                    connection.serverSpokeLast = !clientToServer;
                    if (delayNanos == 0) {
                        out.write(buffer, 0, n);
                        out.flush();
                    } else {
                        delayed.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                    }
                }
            } catch (IOException ignored) {
                // the peer closed
            } finally {
                delayed.add(Chunk.END);
                if (delayNanos == 0) {
                    closeQuietly(to);
                }
            }
        }).start();
        if (delayNanos > 0) {
            daemon("relay-write", () -> {
                try {
                    for (Chunk chunk = delayed.take(); chunk != Chunk.END; chunk = delayed.take()) {
                        for (long wait; (wait = chunk.dueNanos() - System.nanoTime()) > 0; ) {
                            LockSupport.parkNanos(wait);
                        }
                        out.write(chunk.bytes());
                        out.flush();
                    }
                } catch (IOException | InterruptedException ignored) {
                    // the peer closed
                } finally {
                    closeQuietly(to);
                }
            }).start();
        }
    }

    private record Chunk(long dueNanos, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
