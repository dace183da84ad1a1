package io.billingsnapshot.soak;

import static io.billingsnapshot.soak.DeltaCollectorTest.adjustment;
import static io.billingsnapshot.soak.DeltaCollectorTest.delta;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.ContractSchema;
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

/**
 * The conservation check through the reference consumer: the collector drains the queue through
 * the tracker's tee, re-publications and duplicate messages included; the check redelivers every
 * message to two racing consumers and compares the quota table with the billed snapshots.
 */
@Tag("soak")
class QuotaTrackerTest {

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();
    private final List<SentMessage> sent = new ArrayList<>();
    private TestDatabase.Db db;
    private GatewayRows rows;
    private String deltaQueueUrl;
    private UUID key;
    private UUID upstream;
    private String firstCharge;
    private String secondCharge;

    /** Two billed requests; their deltas published in three messages, one delta re-published, one message twice. */
    @BeforeEach
    void billedAndPublished() {
        db = TestDatabase.server().createDatabase();
        rows = new GatewayRows(db);
        deltaQueueUrl = sqs.createQueue(r -> r.queueName("deltas-" + UUID.randomUUID())).queueUrl();
        key = rows.apiKey();
        upstream = rows.upstream();
        UUID first = rows.requestLog(key, upstream);
        rows.billedSnapshot(first, key, upstream, 0.0123456789);
        UUID second = rows.requestLog(key, upstream);
        rows.billedSnapshot(second, key, upstream, 1.5);
        sent.add(new SentMessage("m-1", first));
        sent.add(new SentMessage("m-2", second));

        firstCharge = delta(UUID.randomUUID(), adjustment("api_key", key, "0.0123456789") + ","
                + adjustment("upstream", upstream, "0.0123456789"));
        secondCharge = delta(UUID.randomUUID(), adjustment("api_key", key, "1.5") + ","
                + adjustment("upstream", upstream, "1.5"));
    }

    @Test
    void passesWhenEveryDeltaReachesTheConsumerHoweverOftenAndHoweverPacked() {
        publish(firstCharge);
        publish(firstCharge, secondCharge); // a re-publication packs what is pending then
        publish(firstCharge, secondCharge); // the same message twice

        QuotaTracker tracker = new QuotaTracker(sqs, deltaQueueUrl);
        ConservationResult result = check(tracker);

        assertThat(quotaTableViolations(result)).as(result.report()).isEmpty();
        assertThat(tracker.sums()).containsOnlyKeys(AdjustmentTarget.apiKey(key), AdjustmentTarget.upstream(upstream));
        // First pass: 1 + 1 applied, 0 + 1 + 2 skipped; then both redelivering consumers skip all 5.
        assertThat(tracker.summary()).isEqualTo(
                "3 messages, each redelivered to two racing consumers: 2 deltas applied, 13 skipped as applied before");
        assertThat(result.report()).contains("reference consumer: 3 messages");
    }

    @Test
    void failsWhenADeltaNeverReachesTheConsumer() {
        publish(firstCharge);

        ConservationResult result = check(new QuotaTracker(sqs, deltaQueueUrl));

        assertThat(quotaTableViolations(result)).hasSize(2).allSatisfy(v -> assertThat(v)
                .startsWith(ConservationCheck.QUOTA_TABLE).contains("off by -1.5"));
    }

    @Test
    void failsWhenTheConsumerRejectsAMessage() {
        publish(firstCharge, secondCharge);
        sqs.sendMessage(r -> r.queueUrl(deltaQueueUrl).messageBody(firstCharge)); // a bare delta: not a message

        ConservationResult result = check(new QuotaTracker(sqs, deltaQueueUrl));

        assertThat(result.violations()).contains("the reference consumer rejected a message: off the schema: "
                + ContractSchema.QUOTA_DELTA_MESSAGE.violations(firstCharge).get(0));
    }

    private void publish(String... deltas) {
        String body = "{\"deltas\":[" + String.join(",", deltas) + "]}";
        ContractSchema.QUOTA_DELTA_MESSAGE.requireValid(body);
        sqs.sendMessage(r -> r.queueUrl(deltaQueueUrl).messageBody(body));
    }

    private ConservationResult check(QuotaTracker tracker) {
        DeltaCollector collector = new DeltaCollector(tracker.tee(sqs), deltaQueueUrl);
        collector.drain();
        ConservationResult result = ConservationCheck.check(db, collector, tracker, sent, List.of());
        System.out.println(result.report());
        return result;
    }

    /** The violations found through the reference consumer (the collector's own are checked elsewhere). */
    private static List<String> quotaTableViolations(ConservationResult result) {
        return result.violations().stream().filter(v -> v.startsWith(ConservationCheck.QUOTA_TABLE)
                || v.startsWith("the reference consumer")).toList();
    }
}
