package io.billingsnapshot.soak;

import io.billingsnapshot.consumer.QuotaConsumer;
import io.billingsnapshot.consumer.QuotaLedger;
import io.billingsnapshot.consumer.QuotaTrackerDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;

/**
 * The reference quota consumer ({@link QuotaConsumer}) in the soak, beside the collector: every
 * message taken from the quota-delta queue through {@link #tee} is applied to a quota table in a
 * database of its own. The conservation check then delivers every message again, to two consumers
 * at once, as SQS may ({@link #redeliverAll}), and compares the table with the billed snapshots. So the
 * soak's re-publications, duplicates and redeliveries all reach a consumer that dedupes the way
 * docs/design.md (§13) tells the gateway's team to.
 */
public final class QuotaTracker {

    private final QuotaTrackerDatabase database = QuotaTrackerDatabase.create();
    private final QuotaConsumer consumer;
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger applied = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    public QuotaTracker(SqsClient sqs, String queueUrl) {
        this.consumer = new QuotaConsumer(sqs, queueUrl, database.dataSource, Duration.ofSeconds(30));
    }

    /** {@code sqs}, except that every message it receives is also applied here. */
    public SqsClient tee(SqsClient sqs) {
        return new SqsClient() {
            @Override
            public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
                ReceiveMessageResponse response = sqs.receiveMessage(request);
                response.messages().forEach(message -> accept(message.body(), false));
                return response;
            }

            @Override
            public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
                return sqs.deleteMessageBatch(request);
            }

            @Override
            public SqsServiceClientConfiguration serviceClientConfiguration() {
                return sqs.serviceClientConfiguration();
            }

            @Override
            public String serviceName() {
                return sqs.serviceName();
            }

            @Override
            public void close() {
                sqs.close();
            }
        };
    }

    /** Every message received so far, once more, by two consumers at once (in opposite orders). */
    public void redeliverAll() {
        List<String> again = List.copyOf(received);
        List<String> reversed = new ArrayList<>(again);
        Collections.reverse(reversed);
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> again.forEach(body -> accept(body, true))),
                CompletableFuture.runAsync(() -> reversed.forEach(body -> accept(body, true)))).join();
    }

    private void accept(String body, boolean redelivery) {
        if (!redelivery) {
            received.add(body);
        }
        QuotaConsumer.Outcome outcome = consumer.apply(body);
        if (outcome instanceof QuotaConsumer.Outcome.Applied done) {
            applied.addAndGet(done.applied());
            skipped.addAndGet(done.skipped());
        } else if (outcome instanceof QuotaConsumer.Outcome.Rejected rejected && !redelivery) {
            problems.add("the reference consumer rejected a message: " + rejected.reason());
        } else if (outcome instanceof QuotaConsumer.Outcome.Failed failed && redelivery) {
            // A first failure is retried by the redelivery, as SQS would; a second one is a finding.
            problems.add("the reference consumer failed to apply a message: " + failed.cause().getMessage());
        }
    }

    /** Used quota per API key and upstream (all currencies: the soak bills USD only). */
    public Map<AdjustmentTarget, BigDecimal> sums() {
        Map<AdjustmentTarget, BigDecimal> sums = new LinkedHashMap<>();
        for (Map.Entry<QuotaLedger.Key, BigDecimal> row : database.usage().entrySet()) {
            sums.merge(new AdjustmentTarget(row.getKey().scope(), row.getKey().subjectId()), row.getValue(), BigDecimal::add);
        }
        return sums;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public String summary() {
        return String.format(Locale.ROOT, "%d messages, each redelivered to two racing consumers: %d deltas applied, %d skipped as applied before",
                received.size(), applied.get(), skipped.get());
    }
}
