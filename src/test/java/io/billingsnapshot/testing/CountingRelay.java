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
 * <p>A round trip is a request the client sends and then waits on. The relay follows the
 * framing of the client's protocol messages and counts the messages that end such a request: a
 * Sync (which closes an extended-protocol statement: Parse, Bind, Execute, Sync) and a simple
 * Query, except pgjdbc's {@code BEGIN}, which it sends in the same write as the transaction's
 * first statement without waiting for its answer. (Counting bursts of bytes instead would
 * depend on how TCP splits a large statement and on when the server flushes.) Plain-text
 * connections only. With a delay, every chunk read is forwarded that much later, in order, so a
 * burst of many packets costs the delay once, as latency does.
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
                try {
                    server.connect(target);
                } catch (IOException e) {
                    closeQuietly(client); // the target is down: refuse, as it would
                    continue;
                }
                for (Socket s : List.of(client, server)) {
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                }
                pump(client, server, new ClientMessages());
                pump(server, client, null);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    /**
     * Follows the framing of the client's messages: first untyped messages of a length and a
     * body (an SSL or GSS encryption request the server refused, then the startup or a cancel
     * request), then messages of a type byte, a length and a body.
     */
    private final class ClientMessages {
        private final byte[] header = new byte[5];
        private static final int SSL_REQUEST = 80877103;
        private static final int GSS_ENCRYPTION_REQUEST = 80877104;
        private final StringBuilder queryStart = new StringBuilder();
        private final byte[] untypedCode = new byte[4];
        private boolean started;
        private boolean untyped;
        private int headerBytes;
        private long bodyLeft;
        private long bodyRead;

        void read(byte[] bytes, int length) {
            int i = 0;
            while (i < length) {
                if (bodyLeft > 0) {
                    int take = (int) Math.min(bodyLeft, length - i);
                    if (untyped) {
                        for (int k = i; k < i + take && bodyRead + (k - i) < 4; k++) {
                            untypedCode[(int) (bodyRead + k - i)] = bytes[k];
                        }
                        bodyRead += take;
                    }
                    if (header[0] == 'Q') {
                        for (int k = i; k < i + take && queryStart.length() < 8; k++) {
                            queryStart.append((char) bytes[k]);
                        }
                    }
                    bodyLeft -= take;
                    i += take;
                    if (bodyLeft == 0) {
                        ended();
                    }
                    continue;
                }
                int headerLength = started ? 5 : 4;
                header[headerBytes++] = bytes[i++];
                if (headerBytes == headerLength) {
                    int at = headerLength - 4;
                    bodyLeft = (((header[at] & 0xffL) << 24) | ((header[at + 1] & 0xff) << 16)
                            | ((header[at + 2] & 0xff) << 8) | (header[at + 3] & 0xff)) - 4;
                    untyped = !started;
                    if (untyped) {
                        header[0] = 0; // no type byte before the startup message
                        started = true;
                    }
                    headerBytes = 0;
                    bodyRead = 0;
                    queryStart.setLength(0);
                    if (bodyLeft == 0) {
                        ended();
                    }
                }
            }
        }

        private void ended() {
            if (untyped) {
                int code = ((untypedCode[0] & 0xff) << 24) | ((untypedCode[1] & 0xff) << 16)
                        | ((untypedCode[2] & 0xff) << 8) | (untypedCode[3] & 0xff);
                // Refused encryption (the server answers one untyped byte, which we do not
                // follow): the startup message comes next, also untyped.
                started = code != SSL_REQUEST && code != GSS_ENCRYPTION_REQUEST;
                untyped = false;
                return;
            }
            boolean pipelinedBegin = header[0] == 'Q' && queryStart.toString().startsWith("BEGIN");
            if (header[0] == 'S' || (header[0] == 'Q' && !pipelinedBegin)) {
                roundTrips.incrementAndGet();
            }
        }
    }

    /** Copies one direction; {@code messages} follows the client's messages, null for the server's. */
    private void pump(Socket from, Socket to, ClientMessages messages) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Chunk> delayed = new LinkedBlockingQueue<>();
        daemon("relay-read", () -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (messages != null) {
                        messages.read(buffer, n);
                    }
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
                        for (long wait; (wait = chunk.dueNanos - System.nanoTime()) > 0; ) {
                            LockSupport.parkNanos(wait);
                        }
                        out.write(chunk.bytes);
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

    /** Bytes due at the peer at {@code dueNanos}; a class, not a record, as {@link #END} is told apart by identity. */
    private static final class Chunk {
        static final Chunk END = new Chunk(0, new byte[0]);

        final long dueNanos;
        final byte[] bytes;

        Chunk(long dueNanos, byte[] bytes) {
            this.dueNanos = dueNanos;
            this.bytes = bytes;
        }
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
