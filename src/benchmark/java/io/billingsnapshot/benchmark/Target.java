package io.billingsnapshot.benchmark;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.testing.CountingRelay;
import io.billingsnapshot.testing.Path;
import io.billingsnapshot.testing.RecordingMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;

/** One path of the function, wired as Lambda wires it, talking to the database through a relay. */
final class Target implements AutoCloseable {

    /** One batch: its size, how long it took, how much of that was publishing, and what it cost. */
    record Sample(int messages, long nanos, long publishNanos, long roundTrips, SqsMeter.Reading sqs) {
    }

    final Path path;
    final CountingRelay relay;
    private final Path.Function function;
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final AtomicLong publishNanos = new AtomicLong();
    private final SqsMeter sqsMeter;

    Target(Path path, Map<String, String> environment, CountingRelay relay, SqsClient sqs, String queueUrl,
            SqsMeter sqsMeter) {
        this.path = path;
        this.relay = relay;
        this.sqsMeter = sqsMeter;
        Map<String, String> env = new HashMap<>(environment);
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
        this.function = path.function(env, timed, metrics, Clock.systemUTC());
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
        SQSBatchResponse response = function.handle(event, Instant.now().plusSeconds(900));
        long took = System.nanoTime() - start;
        if (response.getBatchItemFailures().size() != expectedFailures) {
            throw new IllegalStateException(path + ": " + response.getBatchItemFailures().size() + " records failed");
        }
        return new Sample(event.getRecords().size(), took, publishNanos.get() - published,
                relay.roundTrips() - roundTrips, sqsMeter.read().since(sqs));
    }

    long splits() {
        return metrics.counted(Metric.SET_SPLITS);
    }

    @Override
    public void close() {
        function.close();
    }
}
