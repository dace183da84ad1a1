package io.billingsnapshot.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.consumer.QuotaConsumer.Outcome;
import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.PackedDeltaMessages;
import io.billingsnapshot.testing.TestSqs;
import io.billingsnapshot.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The reference consumer against real PostgreSQL and the SQS protocol (ElasticMQ): every delta is
 * applied once whatever the queue repeats, two consumers racing on one message included; a
 * malformed message applies nothing and ends in the dead-letter queue. Messages are packed from
 * deltas the function's own {@code DeltaJson} writes.
 */
class QuotaConsumerTest {

    private static final Duration NO_WAIT = Duration.ZERO;
    private static final Duration HIDDEN = Duration.ofSeconds(30);
    private static final UUID KEY = UUID.randomUUID();
    private static final UUID UPSTREAM = UUID.randomUUID();

    private final SqsClient sqs = TestSqs.shared().sqs();
    private QuotaTrackerDatabase tracker;
    private String queue;

    @BeforeEach
    void setUp() {
        TestSqs.shared().resume();
        tracker = QuotaTrackerDatabase.create();
        queue = TestSqs.shared().createQueue("quota-deltas-" + UUID.randomUUID());
    }

    @Test
    void appliesEveryDeltaOfAPackedMessageAndDeletesIt() {
        send(delta("2.421", "2.421"), delta("0.0000000001", null), delta("-1.5", "-1.5"));

        List<Outcome> outcomes = consumer(HIDDEN).poll(NO_WAIT);

        assertThat(outcomes).containsExactly(new Outcome.Applied(3, 0, true));
        assertThat(tracker.usage()).containsExactlyInAnyOrderEntriesOf(Map.of(
                key("api_key", KEY), new BigDecimal("0.9210000001"), key("upstream", UPSTREAM), new BigDecimal("0.921")));
        assertThat(consumer(HIDDEN).poll(NO_WAIT)).as("deleted").isEmpty();
    }

    @Test
    void aDuplicateMessageAppliesNothingMore() {
        String body = PackedDeltaMessages.pack(delta("1.25", "1.25"), delta("2", null));
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body));
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody(body));

        List<Outcome> first = consumer(HIDDEN).poll(NO_WAIT);
        List<Outcome> second = consumer(HIDDEN).poll(NO_WAIT);

        assertThat(concat(first, second)).containsExactlyInAnyOrder(new Outcome.Applied(2, 0, true),
                new Outcome.Applied(0, 2, true));
        assertThat(tracker.usage()).containsExactlyInAnyOrderEntriesOf(Map.of(
                key("api_key", KEY), new BigDecimal("3.25"), key("upstream", UPSTREAM), new BigDecimal("1.25")));
        assertThat(tracker.appliedDeltas()).isEqualTo(2);
    }

    @Test
    void aRedeliveredMessageAppliesNothingMore() {
        send(delta("1.25", "1.25"));
        QuotaConsumer forgetful = consumer(Duration.ZERO); // its message comes back at once, as after a lost delete
        String body = sqs.receiveMessage(r -> r.queueUrl(queue).visibilityTimeout(0)).messages().get(0).body();
        assertThat(forgetful.apply(body)).isEqualTo(new Outcome.Applied(1, 0, false));

        List<Outcome> redelivered = consumer(HIDDEN).poll(NO_WAIT);

        assertThat(redelivered).containsExactly(new Outcome.Applied(0, 1, true));
        assertThat(tracker.usage()).containsEntry(key("api_key", KEY), new BigDecimal("1.25"));
    }

    @Test
    void aDeltaRepublishedInADifferentlyPackedMessageIsAppliedOnce() {
        QuotaDelta first = delta("1", "1");
        QuotaDelta second = delta("10", null);
        QuotaDelta third = delta("100", "100");
        send(first, second);
        send(second, third);
        send(third);

        QuotaConsumer consumer = consumer(HIDDEN);
        List<Outcome> outcomes = concat(consumer.poll(NO_WAIT), consumer.poll(NO_WAIT), consumer.poll(NO_WAIT));

        assertThat(outcomes).hasSize(3).allMatch(o -> o instanceof Outcome.Applied a && a.deleted());
        assertThat(outcomes.stream().mapToInt(o -> ((Outcome.Applied) o).applied()).sum()).isEqualTo(3);
        assertThat(tracker.usage()).containsExactlyInAnyOrderEntriesOf(Map.of(
                key("api_key", KEY), new BigDecimal("111"), key("upstream", UPSTREAM), new BigDecimal("101")));
    }

    @Test
    void aDeltaTwiceInOneMessageIsAppliedOnce() {
        QuotaDelta twice = delta("4.5", "4.5");
        send(twice, twice);

        assertThat(consumer(HIDDEN).poll(NO_WAIT)).containsExactly(new Outcome.Applied(1, 0, true));
        assertThat(tracker.usage()).containsEntry(key("api_key", KEY), new BigDecimal("4.5"));
    }

    /**
     * The first consumer claims the delta and is held (a third session locks the quota row it must
     * update); the second, given the same message by SQS, waits on the first one's claim, and once
     * the first commits finds the delta applied.
     */
    @Test
    void twoConsumersRacingOnOneMessageApplyItOnce() throws Exception {
        seedQuotaRow();
        send(delta("7", "7"));

        try (Connection lock = lockQuotaRow()) {
            CompletableFuture<List<Outcome>> slow = CompletableFuture.supplyAsync(() -> consumer(Duration.ZERO).poll(NO_WAIT));
            awaitLockWaiters(1);
            CompletableFuture<List<Outcome>> second = CompletableFuture.supplyAsync(
                    () -> consumer(HIDDEN).poll(Duration.ofSeconds(5)));
            awaitLockWaiters(2);
            lock.commit();

            assertThat(slow.get(60, TimeUnit.SECONDS)).singleElement()
                    .satisfies(o -> assertThat(((Outcome.Applied) o).applied()).isEqualTo(1));
            assertThat(second.get(60, TimeUnit.SECONDS)).singleElement()
                    .satisfies(o -> assertThat(((Outcome.Applied) o).skipped()).isEqualTo(1));
        }
        assertThat(tracker.usage()).containsEntry(key("api_key", KEY), new BigDecimal("8"))
                .containsEntry(key("upstream", UPSTREAM), new BigDecimal("8"));
        assertThat(consumer(HIDDEN).poll(NO_WAIT)).allMatch(o -> o instanceof Outcome.Applied a && a.applied() == 0);
    }

    /** The same race, but the first consumer's connection dies before it commits: the second applies the delta. */
    @Test
    void whenTheFirstOfTwoRacingConsumersDiesTheSecondAppliesTheMessage() throws Exception {
        seedQuotaRow();
        send(delta("7", "7"));

        try (Connection lock = lockQuotaRow()) {
            CompletableFuture<List<Outcome>> dying = CompletableFuture.supplyAsync(() -> consumer(Duration.ZERO).poll(NO_WAIT));
            awaitLockWaiters(1);
            CompletableFuture<List<Outcome>> second = CompletableFuture.supplyAsync(
                    () -> consumer(HIDDEN).poll(Duration.ofSeconds(5)));
            awaitLockWaiters(2);
            terminateBackendsWaitingIn("INSERT INTO quota_usage");

            assertThat(dying.get(60, TimeUnit.SECONDS)).singleElement().isInstanceOf(Outcome.Failed.class);
            awaitLockWaiters(1); // the second claimed the delta and now waits for the quota row
            lock.commit();
            assertThat(second.get(60, TimeUnit.SECONDS)).containsExactly(new Outcome.Applied(1, 0, true));
        }
        assertThat(tracker.usage()).containsEntry(key("api_key", KEY), new BigDecimal("8"));
    }

    @Test
    void aMalformedMessageAppliesNothingAndEndsInTheDeadLetterQueue() throws Exception {
        String deadLetters = TestSqs.shared().createQueue("quota-deltas-dlq-" + UUID.randomUUID());
        String deadLetterArn = sqs.getQueueAttributes(r -> r.queueUrl(deadLetters)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.setQueueAttributes(r -> r.queueUrl(queue).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"2\"}")));
        String good = PackedDeltaMessages.pack(delta("5", "5"));
        String oneBadAmong = good.replace("]}", ",{\"deltaId\":\"" + UUID.randomUUID() + "\"}]}");
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody(oneBadAmong));
        QuotaConsumer consumer = consumer(Duration.ZERO);

        List<Outcome> outcomes = concat(consumer.poll(NO_WAIT), consumer.poll(NO_WAIT), consumer.poll(NO_WAIT));

        assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Rejected.class));
        assertThat(((Outcome.Rejected) outcomes.get(0)).reason()).startsWith("off the schema").contains("adjustments");
        assertThat(tracker.usage()).isEmpty();
        assertThat(tracker.appliedDeltas()).isZero();
        assertThat(sqs.receiveMessage(r -> r.queueUrl(deadLetters).waitTimeSeconds(1)).messages())
                .singleElement().satisfies(m -> assertThat(m.body()).isEqualTo(oneBadAmong));
    }

    @Test
    void rejectsWhatTheSchemaCannotCatch() {
        String tooPrecise = PackedDeltaMessages.pack(delta("1", "1")).replace("\"amount\":1}", "\"amount\":1.00000000001}");
        QuotaDelta delta = delta("1", "1");
        String conflicting = PackedDeltaMessages.pack(delta, new QuotaDelta(delta.deltaId(), delta.requestLogId(),
                delta.billedAt(), delta.currency(), List.of(new Adjustment(Adjustment.Scope.API_KEY, KEY, BigDecimal.TEN))));

        assertThat(consumer(HIDDEN).apply(tooPrecise)).isEqualTo(new Outcome.Rejected("an amount has more than 10 decimals"));
        assertThat(consumer(HIDDEN).apply(conflicting)).isEqualTo(
                new Outcome.Rejected("deltaId " + delta.deltaId() + " twice with different contents"));
        assertThat(tracker.appliedDeltas()).isZero();
    }

    @Test
    void designDocShowsTheConsumersOwnSql() throws Exception {
        String design = Files.readString(Path.of("docs", "design.md"), StandardCharsets.UTF_8);
        String tables = TestDatabase.resource("/consumer/quota-tracker.sql").lines()
                .filter(line -> !line.startsWith("--") && !line.isBlank())
                .map(line -> line.replace("IF NOT EXISTS ", "")).collect(Collectors.joining("\n"));

        assertThat(design).contains(QuotaLedger.CLAIM, QuotaLedger.ADD, tables);
    }

    private QuotaConsumer consumer(Duration visibilityTimeout) {
        return new QuotaConsumer(sqs, queue, tracker.dataSource, visibilityTimeout);
    }

    private void send(QuotaDelta... deltas) {
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody(PackedDeltaMessages.pack(deltas)));
    }

    /** A delta of +{@code keyAmount} to KEY and +{@code upstreamAmount} to UPSTREAM (none when null). */
    private static QuotaDelta delta(String keyAmount, String upstreamAmount) {
        List<Adjustment> adjustments = upstreamAmount == null
                ? List.of(new Adjustment(Adjustment.Scope.API_KEY, KEY, new BigDecimal(keyAmount)))
                : List.of(new Adjustment(Adjustment.Scope.API_KEY, KEY, new BigDecimal(keyAmount)),
                        new Adjustment(Adjustment.Scope.UPSTREAM, UPSTREAM, new BigDecimal(upstreamAmount)));
        return new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.parse("2026-11-30T10:00:00Z"), "USD", adjustments);
    }

    private static QuotaLedger.Key key(String scope, UUID id) {
        return new QuotaLedger.Key(scope, id, "USD");
    }

    /** Gives KEY's quota row 1, so that a session can lock it. */
    private void seedQuotaRow() {
        assertThat(consumer(HIDDEN).apply(PackedDeltaMessages.pack(delta("1", "1")))).isEqualTo(new Outcome.Applied(1, 0, false));
    }

    /** A third session holding KEY's quota row, uncommitted: whoever must update it waits. */
    private Connection lockQuotaRow() throws Exception {
        Connection lock = tracker.dataSource.getConnection();
        lock.setAutoCommit(false);
        try (PreparedStatement select = lock.prepareStatement(
                "SELECT used FROM quota_usage WHERE scope = 'api_key' AND subject_id = ? FOR UPDATE")) {
            select.setObject(1, KEY);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
            }
        }
        return lock;
    }

    private void awaitLockWaiters(int waiters) throws Exception {
        Await.until(waiters + " sessions waiting on a lock", () -> lockWaiters() == waiters);
    }

    private long lockWaiters() throws Exception {
        try (Connection c = tracker.dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock'""")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private void terminateBackendsWaitingIn(String statementStart) throws Exception {
        try (Connection c = tracker.dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND starts_with(query, ?)""")) {
            s.setString(1, statementStart);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).as("backends terminated").isEqualTo(1);
            }
        }
    }

    @SafeVarargs
    private static List<Outcome> concat(List<Outcome>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
