package io.billingsnapshot.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.StallingEndpoint;
import io.billingsnapshot.testing.TestSqs;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Publishing through a real SQS protocol server. Concurrency is shown by holding the
 * server's answers back (a stalling endpoint in between) until the expected calls are all in
 * flight at once, not by a latency that only overlaps calls on a machine fast enough.
 */
class SqsDeltaPublisherTest {

    /** The invocation's time left for SQS: generous, so only a hang reaches it. */
    private static final Duration TIME_LEFT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestSqs SQS = TestSqs.perClass();

    private StallingEndpoint endpoint;
    private final CallCounter calls = new CallCounter();
    private SqsClient client;

    @BeforeEach
    void setUp() {
        SQS.resume(); // one test stops it
        endpoint = StallingEndpoint.forwardingTo(SQS.endpoint().getPort());
        client = SqsClient.builder()
                .endpointOverride(URI.create("http://localhost:" + endpoint.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(calls))
                .build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        endpoint.close();
    }

    @Test
    void twentyFiveDeltasGoInThreeConcurrentCallsAndAllAreReportedAccepted() throws Exception {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());
        List<QuotaDelta> deltas = deltas(25);

        Set<UUID> accepted = publishWhileStalledUntilInFlight(3,
                () -> new SqsDeltaPublisher(client, queue).publish(deltas, TIME_LEFT).accepted());

        assertThat(accepted).isEqualTo(deltas.stream().map(QuotaDelta::deltaId).collect(Collectors.toSet()));
        assertThat(calls.started.get()).isEqualTo(3);
        assertThat(calls.maxInFlight.get()).as("calls in flight at once").isEqualTo(3);
        assertThat(received(queue)).isEqualTo(accepted);
    }

    @Test
    void concurrencyIsBoundedByThePool() throws Exception {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());

        Set<UUID> accepted = publishWhileStalledUntilInFlight(2,
                () -> new SqsDeltaPublisher(client, queue, 2).publish(deltas(60), TIME_LEFT).accepted());

        assertThat(accepted).hasSize(60);
        assertThat(calls.started.get()).isEqualTo(6);
        assertThat(calls.maxInFlight.get()).isEqualTo(2);
    }

    @Test
    void onAFifoQueueEveryDeltaIsAcceptedOnceUnderItsDeltaId() {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID() + ".fifo");
        List<QuotaDelta> deltas = deltas(12);
        SqsDeltaPublisher publisher = new SqsDeltaPublisher(client, queue);

        publisher.publish(deltas, TIME_LEFT);
        publisher.publish(deltas, TIME_LEFT); // re-published: deduplicated on the deltaId

        assertThat(received(queue)).hasSize(12);
    }

    @Test
    void aStoppedServerAcceptsNothing() {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());
        SQS.stop();

        assertThat(new SqsDeltaPublisher(client, queue).publish(deltas(25), TIME_LEFT).accepted()).isEmpty();
    }

    /** Holds every answer back until {@code calls} are in flight together, then lets the publish finish. */
    private Set<UUID> publishWhileStalledUntilInFlight(int inFlight, Supplier<Set<UUID>> publish) throws Exception {
        endpoint.stall();
        CompletableFuture<Set<UUID>> published = CompletableFuture.supplyAsync(publish);
        Await.until(inFlight + " publish calls in flight at once", () -> calls.inFlight.get() == inFlight);
        endpoint.forward();
        return published.get(Await.HANG_LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    private Set<UUID> received(String queue) {
        Set<UUID> ids = new HashSet<>();
        while (true) {
            var messages = client.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0))
                    .messages();
            if (messages.isEmpty()) {
                return ids;
            }
            for (var m : messages) {
                ids.add(DeltaJson.read(m.body()).deltaId());
                client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
        }
    }

    private static List<QuotaDelta> deltas(int count) {
        List<QuotaDelta> deltas = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deltas.add(new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.parse("2026-11-30T11:00:00Z"), "USD",
                    List.of(new Adjustment(Adjustment.Scope.API_KEY, UUID.randomUUID(), new BigDecimal("1.5000000000")))));
        }
        return deltas;
    }

    /** Counts SendMessageBatch calls and the most in flight at once. */
    private static final class CallCounter implements ExecutionInterceptor {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request().getClass().getSimpleName().equals("SendMessageBatchRequest")) {
                started.incrementAndGet();
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            ended(context.request());
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            ended(context.request());
        }

        private void ended(Object request) {
            if (request.getClass().getSimpleName().equals("SendMessageBatchRequest")) {
                inFlight.decrementAndGet();
            }
        }
    }
}
