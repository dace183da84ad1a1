package io.billingsnapshot.testing;

import io.billingsnapshot.billing.QuotaDelta;
import java.net.URI;
import java.util.List;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An embedded SQS-compatible server (ElasticMQ) on a loopback port, speaking the real SQS
 * protocol to the real AWS SDK client. It can be stopped and started again on the same
 * port, so tests can make publishing fail for real and then recover.
 *
 * <p>As a JUnit extension, one server for the test class:
 * {@code @RegisterExtension static final TestSqs SQS = TestSqs.perClass();} starts it before
 * the class's first test and stops it after its last; {@link #sqs()} is a client of it.
 */
public final class TestSqs implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private static TestSqs shared;

    private final int port;
    private final java.util.Set<String> queues = new java.util.LinkedHashSet<>();
    private SQSRestServer server;
    private SqsClient sharedClient;

    private TestSqs(int port) {
        this.port = port;
    }

    public static TestSqs start() {
        TestSqs sqs = new TestSqs(FreePort.find());
        sqs.resume();
        return sqs;
    }

    /**
     * The one server of this test JVM, for fixtures that need only queues of their own: started
     * once, not per test. A test may stop it (the next fixture resumes it); the JVM's exit closes it.
     */
    public static synchronized TestSqs shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A server for one test class, started and stopped by JUnit (register it as a static extension). */
    public static TestSqs perClass() {
        return new TestSqs(FreePort.find());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        resume();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** One client of this server, closed with it. */
    public synchronized SqsClient sqs() {
        if (sharedClient == null) {
            sharedClient = client();
        }
        return sharedClient;
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
    public static SqsClient client(URI endpoint, ExecutionInterceptor... interceptors) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> List.of(interceptors).forEach(o::addExecutionInterceptor))
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

    /** Every quota delta on the queue now (its messages received and deleted), in a list the caller may add to. */
    public List<QuotaDelta> drainDeltas(String queueUrl) {
        return new java.util.ArrayList<>(drain(queueUrl).stream().flatMap(body -> PublishedMessage.deltas(body).stream())
                .toList());
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
    public synchronized void close() {
        if (sharedClient != null) {
            sharedClient.close();
            sharedClient = null;
        }
        stop();
    }
}
