package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsRecord;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One bad record fails alone, with the real error of the real component. */
class FailureIsolationTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";
    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void invalidMessageAndMissingRequestLogFailAloneWhileOthersAreWritten() {
        Request good = fixture.request();
        String missingLog = fixture.request().body(BILLED_AT).replaceFirst(
                "\"requestLogId\":\"[^\"]+\"", "\"requestLogId\":\"" + UUID.randomUUID() + "\"");

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("bad-json", "{not json"),
                record("missing-log", missingLog),
                record("good", good.body(BILLED_AT))), null);

        assertThat(failedIds(response)).containsExactly("bad-json", "missing-log");
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
        assertThat(fixture.metrics.counted(Metric.INVALID_MESSAGES)).isEqualTo(1);
        assertThat(fixture.metrics.counted(Metric.BATCH_ITEM_FAILURES)).isEqualTo(2);
        assertThat(fixture.drainDeltas()).hasSize(1);
    }

    @Test
    void fkViolationOfAnUnrecognisedConstraintFailsTheRecordWithoutRetry() {
        fixture.db.execute("CREATE TABLE known_models (name varchar(255) PRIMARY KEY)");
        fixture.db.execute("INSERT INTO known_models VALUES ('gpt-4o')");
        fixture.db.execute("""
                ALTER TABLE request_billing_snapshots ADD CONSTRAINT request_billing_snapshots_model_known_fk
                FOREIGN KEY (model) REFERENCES known_models(name)""");
        Request unknownModel = fixture.request();
        Request good = fixture.request();

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("unknown-model", unknownModel.body(BILLED_AT).replace("\"gpt-4o\"", "\"gpt-5-unlisted\"")),
                record("good", good.body(BILLED_AT))), null);

        assertThat(failedIds(response)).containsExactly("unknown-model");
        assertThat(fixture.snapshotColumn(good.requestLogId(), "final_cost")).isEqualTo(10.0);
        for (ReferenceColumn column : ReferenceColumn.values()) {
            assertThat(fixture.metrics.fkRetries(column)).isZero();
        }
    }

    @Test
    void aTriggerErrorFailsOnlyItsRecord() {
        fixture.db.execute("""
                CREATE FUNCTION reject_huge() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.completion_tokens > 5000000 THEN RAISE EXCEPTION 'too many tokens'; END IF;
                  RETURN NEW;
                END $$""");
        fixture.db.execute("""
                CREATE TRIGGER reject_huge BEFORE INSERT OR UPDATE ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION reject_huge()""");
        Request huge = fixture.request();
        Request good = fixture.request();

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("huge", huge.body(10, 6_000_000, BILLED_AT)),
                record("good", good.body(BILLED_AT))), null);

        assertThat(failedIds(response)).containsExactly("huge");
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
    }

    @Test
    void aCheckConstraintViolationFailsOnlyItsRecord() {
        fixture.db.execute("""
                ALTER TABLE request_billing_snapshots ADD CONSTRAINT cost_below_limit CHECK (final_cost < 1000)""");
        Request expensive = fixture.request();
        Request good = fixture.request();

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                record("expensive", expensive.body(1_000_000_000, 0, BILLED_AT)),
                record("good", good.body(BILLED_AT))), null);

        assertThat(failedIds(response)).containsExactly("expensive");
        assertThat(fixture.snapshotColumn(good.requestLogId(), "final_cost")).isEqualTo(10.0);
    }

    @Test
    void everyRecordFailsWhenTheDatabaseIsUnreachable() {
        Map<String, String> env = new HashMap<>(fixture.environment());
        env.put("DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere");
        var handler = fixture.functions.billing(env, fixture.sqs.client(), () -> fixture.metrics,
                BillingFixture.ticking()).handler();

        SQSBatchResponse response = handler.handleRequest(event(
                record("a", fixture.request().body(BILLED_AT)), record("b", fixture.request().body(BILLED_AT))), null);

        assertThat(failedIds(response)).containsExactly("a", "b");
    }

    @Test
    void onAFifoSourceAFailureFailsOnlyTheLaterRecordsOfItsGroup() {
        Request a1 = fixture.request();
        Request a3 = fixture.request();
        Request b1 = fixture.request();

        SQSBatchResponse response = fixture.handler().handleRequest(event(
                SqsRecord.fifo("a1", "group-a", a1.body(BILLED_AT)),
                SqsRecord.fifo("a2", "group-a", "{not json"),
                SqsRecord.fifo("b1", "group-b", b1.body(BILLED_AT)),
                SqsRecord.fifo("a3", "group-a", a3.body(BILLED_AT))), null);

        assertThat(failedIds(response)).containsExactly("a2", "a3");
        assertThat(fixture.snapshotColumn(a1.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.snapshotColumn(b1.requestLogId(), "final_cost")).isEqualTo(10.0);
        assertThat(fixture.snapshotColumn(a3.requestLogId(), "final_cost")).as("a3 is not processed").isNull();
    }
}
