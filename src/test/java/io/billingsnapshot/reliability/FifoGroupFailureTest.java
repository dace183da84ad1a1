package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a FIFO source, a failed record must fail the later records of its message group (SQS
 * would otherwise delete them ahead of the one it redelivers), and only those: other groups
 * proceed. Failures come from the real components: the parser, a missing request log, and a
 * stopped SQS refusing the quota deltas after the snapshots committed.
 */
class FifoGroupFailureTest {

    private static final long SEED = 0x5EED_F1F0L;
    private static final int TRIES = 16;

    private BillingFixture fixture;
    private Ledger ledger;
    private BillingSnapshotHandler handler;

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        ledger = new Ledger(fixture.db);
        handler = fixture.handler();
    }

    @AfterEach
    void tearDown() {
        ledger.close();
        fixture.close();
    }

    /** What a record is made to do. */
    enum Kind {
        /** Billed: written, with a delta to publish. */
        GOOD,
        /** No tokens: written unbilled, no delta. */
        UNBILLED,
        /** Rejected by the parser. */
        INVALID,
        /** Its request log is not committed yet: fails until it is. */
        LOG_MISSING
    }

    private record Planned(SqsRecord record, Kind kind, GoodMessage message) {
        String id() {
            return record.messageId();
        }

        String group() {
            return record.groupId();
        }

        @Override
        public String toString() {
            return id() + "/" + group() + "/" + kind;
        }
    }

    @Test
    void aFailureFailsOnlyTheLaterRecordsOfItsGroupWhileOtherGroupsProceed() {
        List<Planned> batch = List.of(
                plan("a1", "a", Kind.GOOD), plan("b1", "b", Kind.GOOD), plan("a2", "a", Kind.INVALID),
                plan("c1", "c", Kind.GOOD), plan("b2", "b", Kind.LOG_MISSING), plan("a3", "a", Kind.GOOD),
                plan("c2", "c", Kind.GOOD), plan("b3", "b", Kind.GOOD), plan("a4", "a", Kind.UNBILLED),
                plan("c3", "c", Kind.GOOD));

        List<String> failed = failedIds(handler.handleRequest(SqsEvents.of(records(batch)), null));

        assertThat(failed).containsExactlyInAnyOrder("a2", "a3", "a4", "b2", "b3");
        assertWritten(batch, Set.of("a1", "b1", "c1", "c2", "c3"));
        assertPublishedOnce(batch, Set.of("a1", "b1", "c1", "c2", "c3"), fixture.drainDeltas());
    }

    @Test
    void aDeltaPublishFailureAfterCommitFailsTheLaterRecordsOfItsGroupAndRedeliveryPublishesEachDeltaOnce() {
        List<Planned> batch = List.of(
                plan("a1", "a", Kind.GOOD), plan("b1", "b", Kind.UNBILLED), plan("c1", "c", Kind.UNBILLED),
                plan("a2", "a", Kind.UNBILLED), plan("c2", "c", Kind.GOOD), plan("b2", "b", Kind.UNBILLED),
                plan("c3", "c", Kind.UNBILLED));
        fixture.sqs.stop();

        List<String> failed = failedIds(handler.handleRequest(SqsEvents.of(records(batch)), null));

        assertThat(failed).containsExactlyInAnyOrder("a1", "a2", "c2", "c3");
        assertWritten(batch, Set.of("a1", "b1", "c1", "a2", "c2", "b2", "c3"));
        assertThat(ledger.outboxRows()).as("the two refused deltas wait in the outbox").isEqualTo(2);

        fixture.sqs.resume();
        List<SqsRecord> redelivered = batch.stream().filter(p -> failed.contains(p.id()))
                .map(p -> p.record().redelivered()).toList();
        assertThat(Redelivery.deliver(handler, redelivered)).isEmpty();

        assertThat(ledger.outboxRows()).isZero();
        assertPublishedOnce(batch, Set.of("a1", "c2"), fixture.drainDeltas());
    }

    /**
     * Random groups, interleavings and failures (seeded; the seed is in every failure message),
     * each batch checked against the rule, then redelivered as SQS would until drained.
     *
     * <p>SQS counts a receive for every record of the batch, so the records held back behind
     * an invalid one of their group reach the receive limit together with it and follow it to
     * the dead-letter queue; an operator's redrive then writes them. Every valid message ends
     * written exactly once, none vanishes.
     */
    @Test
    void randomInterleavingsFailExactlyTheRestOfEachFailedGroupAndRedeliveryWritesEverythingOnce() {
        Random random = new Random(SEED);
        for (int attempt = 0; attempt < TRIES; attempt++) {
            boolean sqsDown = random.nextBoolean();
            List<Planned> batch = randomBatch(random, "t" + attempt + "-");
            String context = "seed " + SEED + ", try " + attempt + ", delta queue " + (sqsDown ? "gone" : "up") + ": " + batch;
            if (sqsDown) {
                deleteDeltaQueue(); // cheaper than stopping the server, and as real: SQS refuses every delta
            }

            Set<String> failed = new HashSet<>(failedIds(handler.handleRequest(SqsEvents.of(records(batch)), null)));

            Set<String> processed = processed(batch);
            Set<String> written = new LinkedHashSet<>();
            batch.stream().filter(p -> processed.contains(p.id()) && !failsWhenProcessed(p.kind()))
                    .forEach(p -> written.add(p.id()));
            assertThat(failed).as(context).containsExactlyInAnyOrderElementsOf(expectedFailures(batch, sqsDown));
            assertWritten(batch, written);

            if (sqsDown) {
                fixture.sqs.createQueue("quota-deltas");
            }
            batch.stream().filter(p -> p.kind() == Kind.LOG_MISSING).forEach(p -> ledger.insertLog(p.message().request()));
            List<SqsRecord> pending = batch.stream().filter(p -> failed.contains(p.id()))
                    .map(p -> p.record().redelivered()).toList();
            List<SqsRecord> deadLetters = Redelivery.untilDrained(handler, pending, 3);

            assertThat(deadLetters).as(context).extracting(SqsRecord::messageId)
                    .containsExactlyInAnyOrderElementsOf(behindAnInvalidRecord(batch));
            List<SqsRecord> redrive = deadLetters.stream().filter(r -> kindOf(batch, r) != Kind.INVALID)
                    .map(r -> new SqsRecord(r.messageId(), r.body(), r.groupId(), 1)).toList();
            assertThat(Redelivery.untilDrained(handler, redrive, 3)).as(context).isEmpty();
            Set<String> everyValid = new HashSet<>();
            batch.stream().filter(p -> p.kind() != Kind.INVALID).forEach(p -> everyValid.add(p.id()));
            assertWritten(batch, everyValid);
            Set<String> billed = new HashSet<>();
            batch.stream().filter(p -> p.kind() == Kind.GOOD || p.kind() == Kind.LOG_MISSING)
                    .forEach(p -> billed.add(p.id()));
            assertPublishedOnce(batch, billed, fixture.drainDeltas());
            assertThat(ledger.outboxRows()).as(context).isZero();
        }
    }

    private void deleteDeltaQueue() {
        try (var sqs = fixture.sqs.client()) {
            sqs.deleteQueue(r -> r.queueUrl(fixture.deltaQueueUrl));
        }
    }

    /** The invalid records and every record after one in its group: what the receive limit dead-letters. */
    private static List<String> behindAnInvalidRecord(List<Planned> batch) {
        Set<String> poisoned = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (Planned p : batch) {
            if (p.kind() == Kind.INVALID) {
                poisoned.add(p.group());
            }
            if (poisoned.contains(p.group())) {
                ids.add(p.id());
            }
        }
        return ids;
    }

    private static Kind kindOf(List<Planned> batch, SqsRecord record) {
        return batch.stream().filter(p -> p.id().equals(record.messageId())).findFirst().orElseThrow().kind();
    }

    /** The rule, stated on its own: a group fails from its first failing record on. */
    private static Set<String> expectedFailures(List<Planned> batch, boolean sqsDown) {
        Set<String> failedGroups = new HashSet<>();
        Set<String> failed = new LinkedHashSet<>();
        // Before publishing: a record fails when it fails itself or an earlier one of its group did.
        for (Planned p : batch) {
            if (failedGroups.contains(p.group()) || failsWhenProcessed(p.kind())) {
                failedGroups.add(p.group());
                failed.add(p.id());
            }
        }
        if (sqsDown) { // after publishing: a refused delta fails its record and the rest of its group
            Set<String> refusedGroups = new HashSet<>();
            for (Planned p : batch) {
                if (refusedGroups.contains(p.group()) || !failed.contains(p.id()) && p.kind() == Kind.GOOD) {
                    refusedGroups.add(p.group());
                    failed.add(p.id());
                }
            }
        }
        return failed;
    }

    /** The records the handler gets to: those with no earlier failure in their group. */
    private static Set<String> processed(List<Planned> batch) {
        Set<String> failedGroups = new HashSet<>();
        Set<String> processed = new HashSet<>();
        for (Planned p : batch) {
            if (!failedGroups.contains(p.group())) {
                processed.add(p.id());
                if (failsWhenProcessed(p.kind())) {
                    failedGroups.add(p.group());
                }
            }
        }
        return processed;
    }

    private static boolean failsWhenProcessed(Kind kind) {
        return kind == Kind.INVALID || kind == Kind.LOG_MISSING;
    }

    private List<Planned> randomBatch(Random random, String prefix) {
        int groups = 1 + random.nextInt(3);
        int size = 4 + random.nextInt(7); // a FIFO batch holds at most ten records
        Kind[] kinds = {Kind.GOOD, Kind.GOOD, Kind.UNBILLED, Kind.UNBILLED, Kind.INVALID, Kind.LOG_MISSING};
        List<Planned> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(plan(prefix + i, prefix + "g" + random.nextInt(groups), kinds[random.nextInt(kinds.length)]));
        }
        return batch;
    }

    private Planned plan(String messageId, String group, Kind kind) {
        Request request = kind == Kind.LOG_MISSING ? ledger.requestNotLoggedYet() : ledger.request();
        int tokens = kind == Kind.UNBILLED ? 0 : 1_000 * (1 + Math.abs(messageId.hashCode() % 50));
        GoodMessage message = new GoodMessage(messageId, request, tokens, tokens / 2);
        String body = kind == Kind.INVALID ? "{\"requestLogId\":\"not-a-uuid\"}" : message.body();
        return new Planned(SqsRecord.fifo(messageId, group, body), kind, message);
    }

    private static List<SqsRecord> records(List<Planned> batch) {
        return batch.stream().map(Planned::record).toList();
    }

    /** Exactly the given records have their snapshot, with their cost; the others none. */
    private void assertWritten(List<Planned> batch, Set<String> written) {
        for (Planned p : batch) {
            var requestLogId = p.message().request().requestLogId();
            if (!written.contains(p.id())) {
                assertThat(ledger.snapshots(requestLogId)).as("%s has no snapshot", p.id()).isZero();
                assertThat(ledger.outboxRows(requestLogId)).as("%s has no outbox row", p.id()).isZero();
            } else if (p.kind() == Kind.UNBILLED) {
                assertThat(ledger.snapshots(requestLogId)).as("%s is written", p.id()).isEqualTo(1);
                assertThat(ledger.finalCost(requestLogId)).as("%s is unbilled", p.id()).isNull();
            } else {
                assertThat(ledger.finalCost(requestLogId)).as("final_cost of %s", p.id())
                        .isEqualTo(p.message().cost().doubleValue());
            }
        }
    }

    private static void assertPublishedOnce(List<Planned> batch, Set<String> billed, List<QuotaDelta> published) {
        batch.stream().filter(p -> billed.contains(p.id())).forEach(p -> p.message().assertPublishedOnceIn(published));
        assertThat(published).hasSize(billed.size());
    }
}
