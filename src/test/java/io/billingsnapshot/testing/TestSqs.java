package io.billingsnapshot.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An embedded SQS-compatible server (ElasticMQ) on a loopback port, speaking the real SQS
 * protocol to the real AWS SDK client. It can be stopped and started again on the same
 * port, so tests can make publishing fail for real and then recover.
 */
public final class TestSqs implements AutoCloseable {

    private final int port;
    private final java.util.Set<String> queues = new java.util.LinkedHashSet<>();
    private SQSRestServer server;

    private TestSqs(int port) {
        this.port = port;
    }

    public static TestSqs start() {
        TestSqs sqs = new TestSqs(freePort());
        sqs.resume();
        return sqs;
    }

    public synchronized void resume() {
        if (server == null) {
            server = SQSRestServerBuilder.withPort(port)
                    .withInterface("127.0.0.1")
                    .withServerAddress(new NodeAddress("http", "localhost", port, ""))
                    .start();
            server.waitUntilStarted();
            List.copyOf(queues).forEach(this::createQueue); // an in-memory server forgets them
        }
    }

    /** Stops the server: every SQS call fails until {@link #resume()}, which recreates the queues (empty). */
    public synchronized void stop() {
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + port);
    }

    public SqsClient client() {
        return client(endpoint());
    }

    /** A client of an SQS endpoint that may sit in front of this server (a {@link StallingEndpoint}, say). */
    public static SqsClient client(URI endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates a queue (FIFO when the name ends in .fifo) and returns its URL. */
    public String createQueue(String name) {
        queues.add(name);
        try (SqsClient sqs = client()) {
            var request = software.amazon.awssdk.services.sqs.model.CreateQueueRequest.builder().queueName(name);
            if (name.endsWith(".fifo")) {
                request.attributes(java.util.Map.of(QueueAttributeName.FIFO_QUEUE, "true"));
            }
            return sqs.createQueue(request.build()).queueUrl();
        }
    }

    /** Receives and deletes every message on the queue now; their bodies, in the order received. */
    public List<String> drain(String queueUrl) {
        List<String> bodies = new java.util.ArrayList<>();
        try (SqsClient sqs = client()) {
            while (true) {
                var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                        .messages();
                if (messages.isEmpty()) {
                    return bodies;
                }
                for (var m : messages) {
                    bodies.add(m.body());
                    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
