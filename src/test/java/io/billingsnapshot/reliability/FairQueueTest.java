package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.Granularity;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SQS fair queues are standard queues whose messages carry a MessageGroupId, the tenant: the
 * records of one tenant have no order to keep, so a failed record fails alone, as on any
 * standard queue. Only a FIFO source queue (its ARN ends in {@code .fifo}) holds back the later
 * records of a failed record's group. The same batch, as Lambda delivers it from each kind of
 * queue, through both granularities of the engine.
 */
class FairQueueTest {

    private static final String BILLED_AT = "2026-11-30T11:00:00Z";
    private static final String TENANT = "tenant-aaaaaaaa";

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    private interface RecordKind {
        SqsRecord of(String messageId, String groupId, String body);
    }

    /** One tenant's records: good, not JSON, good, its request log not committed yet, good. */
    private List<SqsRecord> oneTenant(RecordKind kind) {
        Request unlogged = new Request(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        return List.of(
                kind.of("t1", TENANT, fixture.request().body(BILLED_AT)),
                kind.of("t2", TENANT, "{not json"),
                kind.of("t3", TENANT, fixture.request().body(BILLED_AT)),
                kind.of("t4", TENANT, unlogged.body(BILLED_AT)),
                kind.of("t5", TENANT, fixture.request().body(BILLED_AT)));
    }

    @ParameterizedTest
    @EnumSource(Granularity.class)
    void onAFairQueueAFailedRecordFailsAloneAndTheTenantsLaterRecordsAreWritten(Granularity path) {
        List<SqsRecord> records = oneTenant(SqsRecord::fairQueue);
        var event = SqsEvents.of(records);
        assertThat(event.getRecords()).allSatisfy(r -> {
            assertThat(r.getEventSourceArn()).doesNotEndWith(".fifo");
            assertThat(r.getAttributes()).containsEntry("MessageGroupId", TENANT).doesNotContainKey("SequenceNumber");
        });

        try (BillingFunction function = function(path)) {
            assertThat(failedIds(function.handle(event))).containsExactlyInAnyOrder("t2", "t4");
        }
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(3);
        assertThat(fixture.drainDeltas()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Granularity.class)
    void onAFifoQueueTheSameBatchHoldsBackEveryRecordOfTheGroupAfterTheFirstFailure(Granularity path) {
        var event = SqsEvents.of(oneTenant(SqsRecord::fifo));
        assertThat(event.getRecords()).allSatisfy(r -> assertThat(r.getEventSourceArn()).endsWith(".fifo"));

        try (BillingFunction function = function(path)) {
            assertThat(failedIds(function.handle(event))).containsExactlyInAnyOrder("t2", "t3", "t4", "t5");
        }
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
    }

    private BillingFunction function(Granularity path) {
        return fixture.functions.billing(path.environment(fixture.environment()), fixture.sqs.client(),
                () -> fixture.metrics, Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC));
    }
}
