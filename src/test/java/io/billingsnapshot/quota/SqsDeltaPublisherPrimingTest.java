package io.billingsnapshot.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.ConnectionCounter;
import io.billingsnapshot.testing.TestSqs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SnapStart priming of the SQS client: the calls of a publish built, marshalled, signed and sent by
 * the real client, each to a loopback endpoint that answers as SQS does, none to the queue's server
 * (a real SQS protocol server, or a port that counts connections).
 */
class SqsDeltaPublisherPrimingTest {

    @RegisterExtension
    static final TestSqs SQS = TestSqs.perClass();

    /** Smaller than two deltas: one delta a message, so that a few deltas take several calls. */
    private static final int ONE_DELTA_A_MESSAGE = 400;

    @Test
    void primeRunsExactlyTheCallsOfAPublishAndSendsNoneOfThemToSqs() {
        String queue = SQS.createQueue("deltas-" + UUID.randomUUID());
        List<QuotaDelta> deltas = deltas(25);
        Calls primed = new Calls();
        Calls published = new Calls();
        try (SqsClient priming = TestSqs.client(SQS.endpoint(), primed);
                SqsClient publishing = TestSqs.client(SQS.endpoint(), published)) {

            assertThat(new SqsDeltaPublisher(priming, queue, ONE_DELTA_A_MESSAGE).prime(deltas)).isEqualTo(3);

            assertThat(SQS.drain(queue)).as("messages on the queue").isEmpty();
            assertThat(primed.answered).as("calls answered, by the loopback").hasValue(3);
            assertThat(primed.signedWith).hasSize(3).allMatch(auth -> auth.contains("Credential=priming/"));

            // The same deltas published for real, through a client that was never primed.
            assertThat(new SqsDeltaPublisher(publishing, queue, ONE_DELTA_A_MESSAGE).publish(deltas, Duration.ofSeconds(30)).accepted())
                    .hasSize(25);
            assertThat(primed.bodies).containsExactlyInAnyOrderElementsOf(published.bodies);
            assertThat(SQS.drain(queue)).hasSize(25);
        }
    }

    @Test
    void primeOpensNoConnectionAndLeavesTheClientAsItWas() {
        try (ConnectionCounter server = new ConnectionCounter();
                SqsClient client = TestSqs.client(URI.create("http://127.0.0.1:" + server.port()))) {
            SqsDeltaPublisher publisher = new SqsDeltaPublisher(client,
                    "http://127.0.0.1:" + server.port() + "/000000000000/deltas.fifo", ONE_DELTA_A_MESSAGE);

            assertThat(publisher.prime(deltas(11))).isEqualTo(2);
            assertThat(server.connections()).isZero();

            // Negative control: a publish through the same client does reach for the server.
            publisher.publish(deltas(1), Duration.ofSeconds(2));
            assertThat(server.connections()).isPositive();
        }
    }

    private static List<QuotaDelta> deltas(int count) {
        List<QuotaDelta> deltas = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deltas.add(new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.parse("2026-11-30T11:00:00Z"), "USD",
                    List.of(new Adjustment(Adjustment.Scope.API_KEY, UUID.randomUUID(), new BigDecimal("0.25")))));
        }
        return deltas;
    }

    /** What a client marshalled, how it signed it, and how many answers it got. */
    private static final class Calls implements ExecutionInterceptor {
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<String> signedWith = new CopyOnWriteArrayList<>();
        final AtomicInteger answered = new AtomicInteger();

        @Override
        public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
            context.requestBody().ifPresent(body -> {
                try (InputStream in = body.contentStreamProvider().newStream()) {
                    bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            signedWith.add(context.httpRequest().firstMatchingHeader("Authorization").orElse(""));
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            answered.incrementAndGet();
        }
    }
}
