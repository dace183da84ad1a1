package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.testing.RestartablePostgres;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * SQS's side of partial batch failures, in miniature: the records a response reports failed
 * come back, in their order (as a FIFO queue keeps them), with their receive count raised,
 * until they succeed or reach the dead-letter queue after {@code maxReceives} deliveries.
 */
final class Redelivery {

    private static final int BATCH_SIZE = 10;

    private Redelivery() {
    }

    /** Delivers the records in batches of ten; returns the failed ones, each ready for redelivery. */
    static List<SqsRecord> deliver(BillingSnapshotHandler handler, List<SqsRecord> records) {
        List<SqsRecord> failed = new ArrayList<>();
        for (int from = 0; from < records.size(); from += BATCH_SIZE) {
            List<SqsRecord> batch = records.subList(from, Math.min(from + BATCH_SIZE, records.size()));
            Set<String> failedIds = new HashSet<>(failedIds(handler.handleRequest(SqsEvents.of(batch), null)));
            batch.stream().filter(r -> failedIds.contains(r.messageId())).map(SqsRecord::redelivered).forEach(failed::add);
        }
        return failed;
    }

    /**
     * Delivers the records while the server stops under the slowed insert of one of them (see
     * {@link SlowInserts#slow}), then starts it again; asserts every record was reported failed
     * and returns them, ready for redelivery.
     */
    static List<SqsRecord> deliverStoppingTheServerMidInsert(BillingSnapshotHandler handler, List<SqsRecord> records,
            RestartablePostgres postgres) throws Exception {
        CompletableFuture<List<SqsRecord>> run = CompletableFuture.supplyAsync(() -> deliver(handler, records));
        SlowInserts.awaitSleepingBackend(postgres.db(), Duration.ofSeconds(20));
        postgres.stop();
        List<SqsRecord> failed = run.get();
        assertThat(failed).extracting(SqsRecord::messageId)
                .containsExactlyElementsOf(records.stream().map(SqsRecord::messageId).toList());
        postgres.start();
        return failed;
    }

    /** Redelivers until nothing is pending; returns what ended in the dead-letter queue. */
    static List<SqsRecord> untilDrained(BillingSnapshotHandler handler, List<SqsRecord> pending, int maxReceives) {
        List<SqsRecord> deadLetters = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<SqsRecord> again = new ArrayList<>();
            for (SqsRecord record : deliver(handler, pending)) {
                (record.receiveCount() > maxReceives ? deadLetters : again).add(record);
            }
            pending = again;
        }
        return deadLetters;
    }
}
