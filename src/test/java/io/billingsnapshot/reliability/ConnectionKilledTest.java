package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.MutableClock;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler's database connection killed with pg_terminate_backend from another session (as
 * an operator, RDS Proxy or a failover would): between invocations, in the middle of a record's
 * write, and while the published deltas are being removed from the outbox.
 */
class ConnectionKilledTest {

    private BillingFixture fixture;
    private Ledger ledger;
    private final MutableClock clock = new MutableClock(BillingFixture.NOW);
    private BillingSnapshotHandler handler;

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        ledger = new Ledger(fixture.db);
        handler = fixture.handler(clock);
    }

    @AfterEach
    void tearDown() {
        ledger.close();
        fixture.close();
    }

    @Test
    void aConnectionKilledBetweenInvocationsIsReplacedAndTheNextBatchSucceeds() {
        List<GoodMessage> messages = ledger.goodMessages(6);
        assertThat(Redelivery.deliver(handler, GoodMessage.standard(messages.subList(0, 3)))).isEmpty();

        int killed = handlerBackend();
        SlowInserts.terminate(fixture.db, killed);
        List<SqsRecord> failed = Redelivery.deliver(handler, GoodMessage.standard(messages.subList(3, 6)));

        assertThat(failed).isEmpty();
        assertThat(handlerBackend()).as("the handler reconnected").isNotEqualTo(killed);
        assertWrittenAndPublishedOnce(messages, fixture.drainDeltas());
    }

    @Test
    void aConnectionKilledDuringAWriteFailsThatRecordAloneWithNothingHalfWritten() throws Exception {
        SlowInserts.install(fixture.db);
        List<GoodMessage> messages = ledger.goodMessages(6);
        GoodMessage killed = messages.get(2);
        SlowInserts.slow(fixture.db, killed.request().requestLogId(), Duration.ofSeconds(30));

        CompletableFuture<List<SqsRecord>> run = CompletableFuture.supplyAsync(
                () -> Redelivery.deliver(handler, GoodMessage.standard(messages)));
        SlowInserts.terminate(fixture.db, SlowInserts.awaitSleepingBackend(fixture.db, Duration.ofSeconds(20)));
        // The engine runs the killed set again in halves, then the record alone: each of its
        // writes loses its connection too (rather than sleeping into the socket timeout).
        while (!run.isDone()) {
            SlowInserts.sleepingBackend(fixture.db).ifPresent(pid -> SlowInserts.terminate(fixture.db, pid));
            Thread.sleep(5);
        }
        List<SqsRecord> failed = run.get();

        assertThat(failed).extracting(SqsRecord::messageId).containsExactly(killed.messageId());
        assertThat(ledger.snapshots(killed.request().requestLogId())).isZero();
        assertThat(ledger.outboxRows(killed.request().requestLogId())).isZero();
        List<QuotaDelta> published = fixture.drainDeltas();
        assertThat(published).hasSize(5);

        SlowInserts.clear(fixture.db);
        assertThat(Redelivery.deliver(handler, failed)).isEmpty();
        published.addAll(fixture.drainDeltas());

        assertWrittenAndPublishedOnce(messages, published);
    }

    /**
     * SQS has the deltas but the connection dies before they leave the outbox: the records are
     * reported failed, and once the lease has passed the same deltas are published again under
     * the same deltaIds with the same content, which the quota trackers deduplicate.
     */
    @Test
    void aConnectionKilledWhileClearingTheOutboxRepublishesTheSameDeltasAndNothingElse() throws Exception {
        List<GoodMessage> messages = ledger.goodMessages(3);
        fixture.db.execute("""
                CREATE FUNCTION slow_outbox_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM pg_sleep(30);
                  RETURN OLD;
                END $$""");
        fixture.db.execute("""
                CREATE TRIGGER slow_outbox_delete BEFORE DELETE ON billing_quota_delta_outbox
                FOR EACH ROW EXECUTE FUNCTION slow_outbox_delete()""");

        CompletableFuture<List<SqsRecord>> run = CompletableFuture.supplyAsync(
                () -> Redelivery.deliver(handler, GoodMessage.standard(messages)));
        SlowInserts.terminate(fixture.db, SlowInserts.awaitSleepingBackend(fixture.db, Duration.ofSeconds(20)));
        List<SqsRecord> failed = run.get();

        assertThat(failed).hasSize(3);
        assertThat(ledger.snapshots()).isEqualTo(3);
        assertThat(ledger.outboxRows()).isEqualTo(3);
        fixture.db.execute("DROP TRIGGER slow_outbox_delete ON billing_quota_delta_outbox");
        List<QuotaDelta> published = fixture.drainDeltas();

        assertThat(Redelivery.deliver(handler, failed)).isEmpty();
        clock.advance(Duration.ofSeconds(61)); // the fixture's outbox lease is 60 s
        SQSBatchResponse sweep = handler.handleRequest(SqsEvents.of(List.of()), null);
        published.addAll(fixture.drainDeltas());

        assertThat(failedIds(sweep)).isEmpty();
        assertThat(ledger.outboxRows()).isZero();
        assertThat(published).as("at least once: every delta went out twice").hasSize(6);
        Map<UUID, Set<QuotaDelta>> contentsById = published.stream()
                .collect(Collectors.groupingBy(QuotaDelta::deltaId, Collectors.toSet()));
        assertThat(contentsById).as("one content per deltaId").hasSize(3).allSatisfy((id, contents) ->
                assertThat(contents).hasSize(1));
        assertWrittenAndPublishedOnce(messages, new ArrayList<>(new HashSet<>(published)));
    }

    /** The handler's idle connection: the one client backend of this test's database besides the ledger's. */
    private int handlerBackend() {
        return (int) ledger.count("""
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'""");
    }

    private void assertWrittenAndPublishedOnce(List<GoodMessage> messages, List<QuotaDelta> published) {
        assertThat(ledger.snapshots()).isEqualTo(messages.size());
        for (GoodMessage message : messages) {
            assertThat(ledger.finalCost(message.request().requestLogId())).isEqualTo(message.cost().doubleValue());
            message.assertPublishedOnceIn(published);
        }
        assertThat(published).hasSize(messages.size());
        assertThat(ledger.outboxRows()).isZero();
    }
}
