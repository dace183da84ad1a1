package io.billingsnapshot.quota;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkPlugin;

/**
 * SQS's answer to {@code SendMessageBatch}, given on the loopback interface, for SnapStart priming:
 * a call that carries {@link #plugin()} goes here instead of to SQS's endpoint, signed with
 * placeholder credentials ({@link #CREDENTIALS}), and every entry is accepted as SQS accepts it
 * (a message id and the MD5 of the body, which the client checks). So the client's whole round
 * trip runs, its HTTP client and the parsing and checks of the answer included, while nothing
 * reaches SQS, no credentials are fetched and nothing is enqueued. The plugin is added to one
 * request, never to a client, so no other call can be redirected; each answer closes its
 * connection, so none is left to reuse.
 */
final class LoopbackSqs implements AutoCloseable {

    /** Placeholder credentials: the call is signed for an endpoint that checks no signature. */
    static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "never-sent"));

    /** Named, as SQS's endpoint is, so that the client resolves a name (from the hosts file) as it will SQS's. */
    private static final String HOST = "localhost";

    private final ServerSocket listener;
    private final AtomicInteger answered = new AtomicInteger();
    private volatile byte[] answer = new byte[0];

    private LoopbackSqs(ServerSocket listener) {
        this.listener = listener;
        Thread loop = new Thread(this::serve, "priming-sqs");
        loop.setDaemon(true);
        loop.start();
    }

    static LoopbackSqs start() throws IOException {
        return new LoopbackSqs(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
    }

    /** For the configuration of one request: its endpoint is this one. */
    SdkPlugin plugin() {
        URI endpoint = URI.create("http://" + HOST + ":" + listener.getLocalPort());
        return config -> config.endpointOverride(endpoint);
    }

    /** The answer to the next call, which sends these messages in this order (entry ids 0, 1, ...). */
    void accept(List<DeltaMessage> messages) {
        StringBuilder json = new StringBuilder("{\"Successful\":[");
        for (int i = 0; i < messages.size(); i++) {
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"Id\":\"%d\",\"MessageId\":\"%s\",\"MD5OfMessageBody\":\"%s\"}", i, new UUID(0, i),
                    md5(messages.get(i).body())));
        }
        answer = json.append("],\"Failed\":[]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Calls answered so far. */
    int answered() {
        return answered.get();
    }

    /** One call per connection, each answer closing it. */
    private void serve() {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept()) {
                if (!readRequest(new BufferedInputStream(socket.getInputStream()))) {
                    continue;
                }
                byte[] body = answer;
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                answered.incrementAndGet();
            } catch (IOException e) {
                // closed, or a call that went away: the client reports it
            }
        }
    }

    /**
     * Reads one request: its head up to the blank line, then the body its Content-Length announces.
     *
     * @return false when the connection ended before a whole head
     */
    private static boolean readRequest(InputStream in) throws IOException {
        long length = 0;
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String header = line.toString().strip();
            line.setLength(0);
            if (header.isEmpty()) {
                in.readNBytes((int) length);
                return true;
            }
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(header.substring("content-length:".length()).strip());
            }
        }
        return false;
    }

    private static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
