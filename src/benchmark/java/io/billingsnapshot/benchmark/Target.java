package io.billingsnapshot.benchmark;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.CountingRelay;
import io.billingsnapshot.testing.Granularity;
import io.billingsnapshot.testing.HandlerFactory;
import io.billingsnapshot.testing.RecordingMetrics;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The function at one granularity, wired as Lambda wires it, talking to the database through a relay. */
final class Target implements AutoCloseable {

    /** One batch: its size, how long it took, how much of that was publishing, and what it cost. */
    record Sample(int messages, long nanos, long publishNanos, long roundTrips, SqsMeter.Reading sqs) {
    }

    final Granularity granularity;
    final CountingRelay relay;
    private final HandlerFactory functions = new HandlerFactory();
    private final BillingFunction function;
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final AtomicLong publishNanos = new AtomicLong();
    private final SqsMeter sqsMeter;

    Target(Granularity granularity, Map<String, String> environment, CountingRelay relay, SqsClient sqs, String queueUrl,
            SqsMeter sqsMeter) {
        this.granularity = granularity;
        this.relay = relay;
        this.sqsMeter = sqsMeter;
        Map<String, String> env = granularity.environment(environment);
        env.put("DB_URL", relay.relayUrl(environment.get("DB_URL")));
        DeltaPublisher sqsPublisher = new SqsDeltaPublisher(sqs, queueUrl);
        DeltaPublisher timed = (deltas, timeLeft) -> {
            long start = System.nanoTime();
            try {
                return sqsPublisher.publish(deltas, timeLeft);
            } finally {
                publishNanos.addAndGet(System.nanoTime() - start);
            }
        };
        this.function = functions.billing(env, timed, () -> metrics, Clock.systemUTC());
    }

    Sample run(SQSEvent event) {
        return run(event, 0);
    }

    /** A batch of which exactly {@code expectedFailures} records must fail. */
    Sample run(SQSEvent event, int expectedFailures) {
        long roundTrips = relay.roundTrips();
        SqsMeter.Reading sqs = sqsMeter.read();
        long published = publishNanos.get();
        long start = System.nanoTime();
        SQSBatchResponse response = function.handle(event);
        long took = System.nanoTime() - start;
        if (response.getBatchItemFailures().size() != expectedFailures) {
            throw new IllegalStateException(granularity + ": " + response.getBatchItemFailures().size() + " records failed");
        }
        return new Sample(event.getRecords().size(), took, publishNanos.get() - published,
                relay.roundTrips() - roundTrips, sqsMeter.read().since(sqs));
    }

    long splits() {
        return metrics.counted(Metric.SET_SPLITS);
    }

    @Override
    public void close() {
        functions.close();
    }
}
