package io.billingsnapshot.soak;

import static io.billingsnapshot.soak.DeltaCollectorTest.adjustment;
import static io.billingsnapshot.soak.DeltaCollectorTest.delta;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

@Tag("soak")
class ConservationCheckTest {

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();

    private TestDatabase.Db db;
    private GatewayRows rows;
    private String deltaQueueUrl;
    private DeltaCollector deltas;
    private final List<SentMessage> sent = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private UUID key;
    private UUID upstream;
    private UUID rebilledLog;


    /**
     * A consistent outcome, as a correct service leaves it: a billed request, a request
     * re-billed (its first delta corrected by a second), a request whose API key was deleted
     * afterwards, an unbilled request, a delta published twice, and a bad message in the DLQ.
     */
    @BeforeEach
    void consistentOutcome() {
        db = TestDatabase.server().createDatabase();
        rows = new GatewayRows(db);
        deltaQueueUrl = sqs.createQueue(r -> r.queueName("deltas-" + UUID.randomUUID())).queueUrl();
        deltas = new DeltaCollector(sqs, deltaQueueUrl);
        key = rows.apiKey();
        upstream = rows.upstream();
        UUID doomedKey = rows.apiKey();

        UUID billedLog = rows.requestLog(key, upstream);
        rows.billedSnapshot(billedLog, key, upstream, 0.0123456789);
        String billedDelta = delta(UUID.randomUUID(), adjustment("api_key", key, "0.0123456789") + ","
                + adjustment("upstream", upstream, "0.0123456789"));
        publish(billedDelta);
        publish(billedDelta);

        rebilledLog = rows.requestLog(key, upstream);
        rows.billedSnapshot(rebilledLog, key, upstream, 1.5);
        publish(delta(UUID.randomUUID(), adjustment("api_key", key, "1.0") + "," + adjustment("upstream", upstream, "1.0")));
        publish(delta(UUID.randomUUID(), adjustment("api_key", key, "0.5") + "," + adjustment("upstream", upstream, "0.5")));

        UUID orphanedLog = rows.requestLog(doomedKey, upstream);
        rows.billedSnapshot(orphanedLog, doomedKey, upstream, 0.3);
        publish(delta(UUID.randomUUID(), adjustment("api_key", doomedKey, "0.3") + ","
                + adjustment("upstream", upstream, "0.3")));
        rows.deleteApiKey(doomedKey);

        UUID unbilledLog = rows.requestLog(key, upstream);
        rows.unbilledSnapshot(unbilledLog, key, upstream);

        for (UUID log : List.of(billedLog, rebilledLog, orphanedLog, unbilledLog)) {
            sent.add(new SentMessage("m-" + log, log));
        }
        sent.add(SentMessage.of("m-bad", "not json"));
        deadLetters.add(new DeadLetter("m-bad", "not json", 4, FailureReason.INVALID_MESSAGE.wireName()));
    }

    /** One message carrying one delta. */
    private void publish(String delta) {
        sqs.sendMessage(r -> r.queueUrl(deltaQueueUrl).messageBody(DeltaCollectorTest.message(delta)));
    }

    private ConservationResult check() {
        deltas.drain();
        ConservationResult result = ConservationCheck.check(db, deltas, sent, deadLetters);
        System.out.println(result.report());
        return result;
    }

    @Test
    void passesWhenDeltasMatchBilledSnapshotsAndEveryMessageIsAccountedFor() {
        ConservationResult result = check();

        assertThat(result.passed()).as(result.report()).isTrue();
        assertThat(result.apiKeysChecked()).as("the deleted key is not checked").isEqualTo(1);
        assertThat(result.upstreamsChecked()).isEqualTo(1);
        assertThat(result.messagesSent()).isEqualTo(5);
        assertThat(result.snapshotted()).isEqualTo(4);
        assertThat(result.deadLettered()).isEqualTo(1);
        assertThat(result.deadLettersByReason()).containsEntry(FailureReason.INVALID_MESSAGE.wireName(), 1L);
        assertThat(result.report()).startsWith("Conservation check: PASSED");
    }

    @Test
    void failsWhenAKeysPublishedAdjustmentsDoNotAddUpToItsBilledSnapshots() {
        db.execute("UPDATE request_billing_snapshots SET final_cost = 1.500000002 WHERE request_log_id = ?", rebilledLog);

        ConservationResult result = check();

        assertThat(result.passed()).isFalse();
        assertThat(result.sumMismatches()).extracting(ConservationResult.SumMismatch::target)
                .containsExactlyInAnyOrder(AdjustmentTarget.apiKey(key), AdjustmentTarget.upstream(upstream));
        assertThat(result.sumMismatches()).allSatisfy(mismatch -> assertThat(mismatch.missing())
                .isEqualByComparingTo("0.000000002"));
        assertThat(result.violations()).hasSize(2);
        assertThat(result.report()).startsWith("Conservation check: FAILED");
    }

    @Test
    void toleratesADifferenceWithinOneBillionth() {
        db.execute("UPDATE request_billing_snapshots SET final_cost = 1.5000000005 WHERE request_log_id = ?", rebilledLog);

        assertThat(check().passed()).isTrue();
    }

    @Test
    void failsWhenTheOutboxStillHoldsADelta() {
        rows.pendingOutboxRow(rebilledLog);

        ConservationResult result = check();

        assertThat(result.outboxRows()).isEqualTo(1);
        assertThat(result.violations()).containsExactly("the outbox still holds 1 deltas");
    }

    @Test
    void failsWhenASentMessageIsNeitherSnapshottedNorDeadLettered() {
        UUID neverWritten = rows.requestLog(key, upstream);
        sent.add(new SentMessage("m-lost", neverWritten));

        ConservationResult result = check();

        assertThat(result.vanishedMessageIds()).containsExactly("m-lost");
        assertThat(result.violations()).containsExactly("message m-lost was neither snapshotted nor dead-lettered");
    }

    @Test
    void failsWhenADeadLetterCarriesNoReason() {
        sent.add(SentMessage.of("m-mute", "{}"));
        deadLetters.add(new DeadLetter("m-mute", "{}", 4, null));

        ConservationResult result = check();

        assertThat(result.violations()).containsExactly("dead letter m-mute has no failure reason");
    }

    @Test
    void failsWhenADeltaIdWasPublishedWithTwoContents() {
        UUID deltaId = UUID.randomUUID();
        UUID otherKey = rows.apiKey();
        publish(delta(deltaId, adjustment("api_key", otherKey, "0")));
        publish(delta(deltaId, adjustment("api_key", otherKey, "0.0000000001")));

        ConservationResult result = check();

        assertThat(result.violations()).singleElement()
                .satisfies(v -> assertThat(v).startsWith("deltaId " + deltaId + " published with two contents"));
    }
}
