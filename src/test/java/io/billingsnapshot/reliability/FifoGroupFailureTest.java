package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.reliability.FifoPlan.Kind;
import io.billingsnapshot.reliability.FifoPlan.Planned;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a FIFO source, a failed record must fail the later records of its message group (SQS
 * would otherwise delete them ahead of the one it redelivers), and only those: other groups
 * proceed. Failures come from the real components: the parser, a missing request log, and a
 * stopped SQS refusing the quota deltas after the snapshots committed.
 */
class FifoGroupFailureTest {

    private static final long SEED = 0x5EED_F1F0L;
    private static final int TRIES = 16;

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();
    private final Ledger ledger = new Ledger(fixture.db);
    private final BillingSnapshotHandler handler = fixture.handler();

    @AfterEach
    void closeLedger() {
        ledger.close();
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
                fixture.deleteDeltaQueue(); // cheaper than stopping the server, and as real: SQS refuses every delta
            }

            Set<String> failed = new HashSet<>(failedIds(handler.handleRequest(SqsEvents.of(records(batch)), null)));

            assertThat(failed).as(context).containsExactlyInAnyOrderElementsOf(FifoPlan.expectedFailures(batch, sqsDown));
            assertWritten(batch, FifoPlan.writtenByFirstDelivery(batch));

            if (sqsDown) {
                fixture.recreateDeltaQueue();
            }
            batch.stream().filter(p -> p.kind() == Kind.LOG_MISSING).forEach(p -> ledger.insertLog(p.message().request()));
            List<SqsRecord> pending = batch.stream().filter(p -> failed.contains(p.id()))
                    .map(p -> p.record().redelivered()).toList();
            List<SqsRecord> deadLetters = Redelivery.untilDrained(handler, pending, 3);

            assertThat(deadLetters).as(context).extracting(SqsRecord::messageId)
                    .containsExactlyInAnyOrderElementsOf(FifoPlan.behindAnInvalidRecord(batch));
            List<SqsRecord> redrive = deadLetters.stream().filter(r -> FifoPlan.kindOf(batch, r) != Kind.INVALID)
                    .map(SqsRecord::firstDelivery).toList();
            assertThat(Redelivery.untilDrained(handler, redrive, 3)).as(context).isEmpty();
            assertWritten(batch, FifoPlan.ids(batch, kind -> kind != Kind.INVALID));
            assertPublishedOnce(batch, FifoPlan.ids(batch, kind -> kind == Kind.GOOD || kind == Kind.LOG_MISSING),
                    fixture.drainDeltas());
            assertThat(ledger.outboxRows()).as(context).isZero();
        }
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
