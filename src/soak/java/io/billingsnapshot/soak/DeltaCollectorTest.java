package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.TestSqs;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

@Tag("soak")
class DeltaCollectorTest {

    private static final UUID KEY = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID UPSTREAM = UUID.fromString("00000000-0000-0000-0000-0000000000b0");

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();
    private String queueUrl;
    private DeltaCollector collector;


    @BeforeEach
    void createQueue() {
        queueUrl = sqs.createQueue(r -> r.queueName("deltas-" + UUID.randomUUID())).queueUrl();
        collector = new DeltaCollector(sqs, queueUrl);
    }

    /** One message carrying the given deltas. */
    private void publish(String... deltas) {
        publishBody(message(deltas));
    }

    private void publishBody(String body) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }

    static String message(String... deltas) {
        return "{\"deltas\":[" + String.join(",", deltas) + "]}";
    }

    static String delta(UUID deltaId, String adjustments) {
        return String.format(Locale.ROOT, """
                {"deltaId":"%s","requestLogId":"%s","billedAt":"2025-03-01T10:00:00Z","currency":"USD",\
                "adjustments":[%s]}""",
                deltaId, UUID.nameUUIDFromBytes(deltaId.toString().getBytes(StandardCharsets.UTF_8)), adjustments);
    }

    static String adjustment(String scope, UUID id, String amount) {
        return String.format(Locale.ROOT, """
                {"scope":"%s","id":"%s","amount":%s}""", scope, id, amount);
    }

    @Test
    void sumsAdjustmentsPerApiKeyAndUpstreamCountingEachDeltaIdOnce() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String firstDelta = delta(first, adjustment("api_key", KEY, "0.25") + "," + adjustment("upstream", UPSTREAM, "0.25"));
        publish(firstDelta);
        publish(delta(second, adjustment("api_key", KEY, "1.5")));
        collector.drain();
        publish(firstDelta);

        int takenBySecondDrain = collector.drain();

        assertThat(takenBySecondDrain).isEqualTo(1);
        assertThat(collector.sumFor(AdjustmentTarget.apiKey(KEY))).isEqualByComparingTo("1.75");
        assertThat(collector.sumFor(AdjustmentTarget.upstream(UPSTREAM))).isEqualByComparingTo("0.25");
        assertThat(collector.publications()).isEqualTo(3);
        assertThat(collector.distinctDeltas()).isEqualTo(2);
        assertThat(collector.duplicatePublications()).isEqualTo(1);
        assertThat(collector.conflicts()).isEmpty();
    }

    @Test
    void takesTheSameDeltaWrittenDifferentlyForADuplicateNotAConflict() {
        UUID deltaId = UUID.randomUUID();
        publish(delta(deltaId, adjustment("api_key", KEY, "1.50") + "," + adjustment("upstream", UPSTREAM, "-2")));
        publish(delta(deltaId, adjustment("upstream", UPSTREAM, "-2.0") + "," + adjustment("api_key", KEY, "1.5")));

        collector.drain();

        assertThat(collector.duplicatePublications()).isEqualTo(1);
        assertThat(collector.conflicts()).isEmpty();
    }

    @Test
    void flagsADeltaIdPublishedWithTwoDifferentContentsAndCountsOnlyTheFirst() {
        UUID deltaId = UUID.randomUUID();
        String first = delta(deltaId, adjustment("api_key", KEY, "1.0"));
        String other = delta(deltaId, adjustment("api_key", KEY, "1.0000000001"));
        publish(first);
        collector.drain();
        publish(other);

        collector.drain();

        assertThat(collector.conflicts()).singleElement().satisfies(conflict -> {
            assertThat(conflict.deltaId()).isEqualTo(deltaId.toString());
            assertThat(conflict.first()).contains("amount=1]");
            assertThat(conflict.conflicting()).contains("amount=1.0000000001");
        });
        assertThat(collector.duplicatePublications()).isZero();
        assertThat(collector.sumFor(AdjustmentTarget.apiKey(KEY))).isEqualByComparingTo("1.0");
    }

    @Test
    void readsEveryDeltaOfAPackedMessageAndDedupesOneRepublishedInAnotherPack() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        publish(delta(a, adjustment("api_key", KEY, "1")), delta(b, adjustment("api_key", KEY, "2")));
        publish(delta(b, adjustment("api_key", KEY, "2")), delta(c, adjustment("upstream", UPSTREAM, "4")));

        int messages = collector.drain();

        assertThat(messages).isEqualTo(2);
        assertThat(collector.publications()).isEqualTo(4);
        assertThat(collector.distinctDeltas()).isEqualTo(3);
        assertThat(collector.duplicatePublications()).isEqualTo(1);
        assertThat(collector.sumFor(AdjustmentTarget.apiKey(KEY))).isEqualByComparingTo("3");
        assertThat(collector.sumFor(AdjustmentTarget.upstream(UPSTREAM))).isEqualByComparingTo("4");
    }

    @Test
    void addsAmountsExactlyWhereDoublesWouldDrift() {
        for (int i = 0; i < 10; i++) {
            publish(delta(UUID.randomUUID(), adjustment("api_key", KEY, "0.1")));
        }

        collector.drain();

        assertThat(collector.sumFor(AdjustmentTarget.apiKey(KEY))).isEqualTo(new BigDecimal("1.0"));
    }

    @Test
    void keepsPublicationsOffTheContractAsMalformed() {
        publishBody("not json");
        publishBody(delta(UUID.randomUUID(), adjustment("api_key", KEY, "1.0"))); // a delta without its envelope
        publishBody(message());
        publish(delta(UUID.randomUUID(), ""));
        publish(delta(UUID.randomUUID(), adjustment("api_key", KEY, "\"1.0\"")));
        publish(delta(UUID.randomUUID(), adjustment("user", KEY, "1.0")));
        publish(delta(UUID.randomUUID(), adjustment("api_key", KEY, "1.0")).replace("2025-03-01T10:00:00Z", "yesterday"));

        collector.drain();

        assertThat(collector.malformed()).hasSize(7);
        assertThat(collector.malformed()).anySatisfy(m -> assertThat(m).contains("amount must be a JSON number"));
        assertThat(collector.distinctDeltas()).isZero();
        assertThat(collector.sums()).isEmpty();
    }
}
