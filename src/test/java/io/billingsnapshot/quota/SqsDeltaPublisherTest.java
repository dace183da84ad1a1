package io.billingsnapshot.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.PublishedMessage;
import io.billingsnapshot.testing.StallingEndpoint;
import io.billingsnapshot.testing.TestSqs;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    void packsTheDeltasIntoMessagesUpToTheLimitSentInConcurrentCalls() throws Exception {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());
        List<QuotaDelta> deltas = deltas(100);
        int limit = 2_000; // seven deltas of 248 bytes a message: 15 messages, in calls of at most ten

        Set<UUID> accepted = publishWhileStalledUntilInFlight(2,
                () -> new SqsDeltaPublisher(client, queue, limit).publish(deltas, TIME_LEFT).accepted());

        assertThat(accepted).isEqualTo(ids(deltas));
        assertThat(calls.started.get()).isEqualTo(2);
        assertThat(calls.maxInFlight.get()).as("calls in flight at once").isEqualTo(2);
        List<String> bodies = SQS.drain(queue);
        assertThat(bodies).hasSize(15).allSatisfy(body -> assertThat(utf8(body)).isLessThanOrEqualTo(limit));
        assertThat(bodies.stream().flatMap(body -> PublishedMessage.deltas(body).stream()))
                .as("every delta once, as written").containsExactlyInAnyOrderElementsOf(deltas);
    }

    @Test
    void aThousandDeltasGoInOneCallAndTenThousandKeepEveryCallWithinSqsLimits() {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());
        SqsDeltaPublisher publisher = new SqsDeltaPublisher(client, queue);

        assertThat(publisher.publish(deltas(1_000), TIME_LEFT).accepted()).hasSize(1_000);
        assertThat(calls.started.get()).isEqualTo(1);
        // ElasticMQ refuses a whole call above 1 MiB, as SQS does: all accepted means none was.
        assertThat(publisher.publish(deltas(10_000), TIME_LEFT).accepted()).hasSize(10_000);
        assertThat(calls.started.get()).isEqualTo(1 + 3);

        List<String> bodies = SQS.drain(queue);
        assertThat(bodies).allSatisfy(body -> assertThat(utf8(body))
                .isLessThanOrEqualTo(SqsDeltaPublisher.DEFAULT_MAX_MESSAGE_BYTES));
        assertThat(bodies.stream().mapToInt(body -> PublishedMessage.deltas(body).size()).sum()).isEqualTo(11_000);
    }

    @Test
    void messagesOfAMebibyteGoOnePerCall() {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());

        Set<UUID> accepted = new SqsDeltaPublisher(client, queue, 1_048_576).publish(deltas(5_000), TIME_LEFT).accepted();

        assertThat(accepted).hasSize(5_000);
        assertThat(calls.started.get()).as("1.5 MB of deltas: two messages, one per call").isEqualTo(2);
        assertThat(SQS.drain(queue)).hasSize(2);
    }

    @Test
    void concurrencyIsBoundedByThePool() throws Exception {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());

        Set<UUID> accepted = publishWhileStalledUntilInFlight(2,
                () -> new SqsDeltaPublisher(client, queue, 1_024, 2).publish(deltas(300), TIME_LEFT).accepted());

        assertThat(accepted).hasSize(300);
        assertThat(calls.started.get()).isGreaterThanOrEqualTo(6);
        assertThat(calls.maxInFlight.get()).isEqualTo(2);
    }

    @Test
    void aDeltaSqsRefusesIsIsolatedFromTheOnesPackedWithItAndSetAsideAlone() {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());
        List<QuotaDelta> deltas = deltas(40);
        // SQS refuses a body with U+FFFE (outside its allowed characters); JSON allows it.
        QuotaDelta bad = new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.parse("2026-11-30T11:00:00Z"),
                "US\uFFFE", deltas.get(0).adjustments());
        deltas.add(23, bad);

        DeltaPublisher.Result result = new SqsDeltaPublisher(client, queue).publish(deltas, TIME_LEFT);

        assertThat(result.refused()).containsExactly(bad.deltaId());
        assertThat(result.accepted()).hasSize(40).doesNotContain(bad.deltaId());
        assertThat(SQS.drainDeltas(queue)).as("the 40 others, each once").hasSize(40).doesNotContain(bad);
        assertThat(calls.started.get()).as("one message of 41, then the refused half each time: 21, 10, 5, 3, 2, 1")
                .isEqualTo(7);
    }

    @Test
    void onAFifoQueueTheSameSetOfDeltasIsDeduplicatedAndAnyOtherSetIsNot() {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID() + ".fifo");
        List<QuotaDelta> deltas = deltas(12);
        SqsDeltaPublisher publisher = new SqsDeltaPublisher(client, queue);

        publisher.publish(deltas, TIME_LEFT);
        List<QuotaDelta> reordered = new ArrayList<>(deltas);
        java.util.Collections.reverse(reordered);
        publisher.publish(reordered, TIME_LEFT); // the very same set re-published: dropped by SQS
        List<QuotaDelta> overlapping = new ArrayList<>(deltas.subList(6, 12));
        overlapping.addAll(deltas(1));
        publisher.publish(overlapping, TIME_LEFT); // six of them again with a new one: delivered

        List<String> bodies = SQS.drain(queue);
        assertThat(bodies).hasSize(2);
        assertThat(bodies.stream().flatMap(body -> PublishedMessage.deltas(body).stream()).map(QuotaDelta::deltaId))
                .hasSize(12 + 7).containsAll(ids(overlapping));
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

    private static Set<UUID> ids(List<QuotaDelta> deltas) {
        return deltas.stream().map(QuotaDelta::deltaId).collect(Collectors.toSet());
    }

    private static int utf8(String body) {
        return body.getBytes(StandardCharsets.UTF_8).length;
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
