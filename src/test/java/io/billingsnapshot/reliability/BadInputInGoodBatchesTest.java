package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.message.MessageCorpus;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.SqsEvents;
import io.billingsnapshot.testing.SqsRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed bodies mixed into real batches of good ones, delivered in the event shape Lambda
 * sends: each bad record is reported failed with its reason logged, and costs the good ones
 * nothing.
 */
class BadInputInGoodBatchesTest {

    /** The event source mapping's default batch size. */
    private static final int BATCH_SIZE = 10;

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();
    private final Ledger ledger = new Ledger(fixture.db);
    private final BillingSnapshotHandler handler = fixture.handler();
    private CapturedLogs logs;

    @BeforeEach
    void captureLogs() {
        logs = CapturedLogs.start();
    }

    @AfterEach
    void tearDown() {
        logs.close();
        ledger.close();
    }

    @Test
    void everyCorpusBodyFailsAloneWithItsReasonWhileEveryGoodMessageAroundItIsWrittenAndPublished() {
        List<MessageCorpus.Case> corpus = MessageCorpus.invalid();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(25).allSatisfy(c -> assertThat(c.expectedReason()).isNotNull());
        List<SqsRecord> stream = new ArrayList<>();
        List<GoodMessage> good = new ArrayList<>();
        Map<String, String> expectedReasons = new HashMap<>();
        for (int i = 0; i < corpus.size(); i++) {
            if (i % 2 == 0) { // one good message after every two bad ones, so batches hold both kinds
                GoodMessage message = new GoodMessage("good-" + i, ledger.request(), 1_000 * (i + 1), 500 * (i + 1));
                good.add(message);
                stream.add(message.standard());
            }
            MessageCorpus.Case bad = corpus.get(i);
            stream.add(SqsRecord.standard("bad-" + bad.name(), bad.body()));
            expectedReasons.put("bad-" + bad.name(), "invalid_message: " + bad.expectedReason());
        }

        List<String> failed = new ArrayList<>();
        for (int from = 0; from < stream.size(); from += BATCH_SIZE) {
            SQSEvent batch = SqsEvents.of(stream.subList(from, Math.min(from + BATCH_SIZE, stream.size())));
            failed.addAll(failedIds(handler.handleRequest(batch, null)));
        }

        assertThat(failed).containsExactlyInAnyOrderElementsOf(expectedReasons.keySet());
        Map<String, String> loggedReasons = new HashMap<>();
        logs.events(LogEvent.RECORD_FAILED).forEach(line -> loggedReasons.put(line.get("messageId"),
                line.get("reason") + ": " + line.get("detail")));
        assertThat(loggedReasons).containsExactlyInAnyOrderEntriesOf(expectedReasons);
        assertThat(fixture.metrics.counted(Metric.INVALID_MESSAGES)).isEqualTo(corpus.size());
        assertGoodMessagesWrittenAndPublishedOnce(good);
    }

    @Test
    void anEmptyBatchAndAnEventWithoutRecordsReturnNoFailures() {
        SQSBatchResponse empty = handler.handleRequest(SqsEvents.of(List.of()), null);
        SQSBatchResponse absent = handler.handleRequest(new SQSEvent(), null);

        assertThat(empty.getBatchItemFailures()).isNotNull().isEmpty();
        assertThat(absent.getBatchItemFailures()).isNotNull().isEmpty();
        assertThat(fixture.metrics.counted(Metric.MESSAGES_PROCESSED)).isZero();
        assertThat(logs.events(LogEvent.RECORD_FAILED)).isEmpty();
    }

    /**
     * Lambda fails the whole batch when an itemIdentifier is null or empty, so a failure id is
     * never either. SQS gives every message an id: a record without one comes from a direct
     * invoke, nothing can redeliver it alone, and nothing is written for it, good body or bad.
     * The other records are answered for as always.
     */
    @ParameterizedTest(name = "messageId {0}")
    @NullAndEmptySource
    @ValueSource(strings = " ")
    void aRecordWithoutMessageIdIsNeverWrittenNorReportedAndTheOthersAreAnsweredFor(String messageId) {
        GoodMessage first = new GoodMessage("good-1", ledger.request(), 3_000, 1_000);
        GoodMessage withoutId = new GoodMessage(messageId, ledger.request(), 4_000, 1_000);
        GoodMessage second = new GoodMessage("good-2", ledger.request(), 5_000, 2_000);
        List<SqsRecord> batch = List.of(first.standard(), withoutId.standard(), SqsRecord.standard(messageId, "{not json"),
                SqsRecord.standard("bad", "{not json"), second.standard());

        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(batch), null);

        assertThat(failedIds(response)).containsExactly("bad");
        assertThat(ledger.snapshots(withoutId.request().requestLogId())).isZero();
        assertGoodMessagesWrittenAndPublishedOnce(List.of(first, second));
        assertThat(logs.events(LogEvent.RECORD_WITHOUT_MESSAGE_ID)).extracting(line -> line.get("index"), line -> line.get("level"))
                .containsExactly(tuple("1", "ERROR"), tuple("2", "ERROR"));
        assertThat(fixture.metrics.counted(Metric.INVALID_MESSAGES)).isEqualTo(3);
        assertThat(fixture.metrics.counted(Metric.MESSAGES_PROCESSED)).isEqualTo(5);
    }

    @Test
    void aRecordWithANullBodyFailsAloneAsInvalid() {
        GoodMessage good = new GoodMessage("good", ledger.request(), 3_000, 1_000);

        SQSBatchResponse response = handler.handleRequest(
                SqsEvents.of(SqsRecord.standard("null-body", null), good.standard()), null);

        assertThat(failedIds(response)).containsExactly("null-body");
        assertThat(logs.events(LogEvent.RECORD_FAILED)).singleElement()
                .satisfies(line -> assertThat(line).containsEntry("reason", FailureReason.INVALID_MESSAGE.wireName())
                        .containsEntry("detail", "body is null"));
        assertGoodMessagesWrittenAndPublishedOnce(List.of(good));
    }

    @Test
    void aBodyOverOneMebibyteFailsAloneWhileOneOfExactlyOneMebibyteIsWritten() {
        GoodMessage atLimit = new GoodMessage("at-limit", ledger.request(), 3_000, 1_000);
        GoodMessage overLimitMessage = new GoodMessage("over-limit", ledger.request(), 3_000, 1_000);
        String atLimitBody = padded(atLimit.body(), 1024 * 1024);
        String overLimitBody = padded(overLimitMessage.body(), 1024 * 1024 + 1);

        SQSBatchResponse response = handler.handleRequest(SqsEvents.of(
                SqsRecord.standard("over-limit", overLimitBody), SqsRecord.standard("at-limit", atLimitBody)), null);

        assertThat(failedIds(response)).containsExactly("over-limit");
        assertThat(logs.events(LogEvent.RECORD_FAILED)).singleElement().satisfies(line -> assertThat(line)
                .containsEntry("reason", FailureReason.INVALID_MESSAGE.wireName()).containsEntry("detail", "body is longer than 1048576 characters"));
        assertThat(ledger.snapshots(overLimitMessage.request().requestLogId())).isZero();
        assertGoodMessagesWrittenAndPublishedOnce(List.of(atLimit));
        assertThat(logs.text()).as("bodies are never logged").doesNotContain("padpadpadpad");
    }

    /** The body with an ignored field of padding added, to exactly {@code length} characters. */
    private static String padded(String body, int length) {
        String open = body.substring(0, body.lastIndexOf('}')) + ",\"padding\":\"";
        String close = "\"}";
        return open + "pad".repeat(length).substring(0, length - open.length() - close.length()) + close;
    }

    private void assertGoodMessagesWrittenAndPublishedOnce(List<GoodMessage> good) {
        assertGoodMessagesWrittenAndPublishedOnce(good, fixture.drainDeltas());
    }

    private void assertGoodMessagesWrittenAndPublishedOnce(List<GoodMessage> good, List<QuotaDelta> published) {
        assertThat(ledger.snapshots()).isEqualTo(good.size());
        for (GoodMessage message : good) {
            assertThat(ledger.finalCost(message.request().requestLogId())).as("final_cost of %s", message.messageId())
                    .isCloseTo(message.cost().doubleValue(), within(1e-12));
            message.assertPublishedOnceIn(published);
        }
        assertThat(published).hasSize(good.size());
        assertThat(ledger.outboxRows()).isZero();
    }
}
