package io.billingsnapshot.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsRecord;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;

/**
 * A valid completion message for a seeded request of gpt-4o ($2 per million input tokens, $8
 * per million output tokens, multipliers 1), and what billing it must produce.
 */
record GoodMessage(String messageId, Request request, int promptTokens, int completionTokens) {

    static final String BILLED_AT = "2026-11-30T11:00:00Z";
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    String body() {
        return request.body(promptTokens, completionTokens, BILLED_AT);
    }

    SqsRecord standard() {
        return SqsRecord.standard(messageId, body());
    }

    static List<SqsRecord> standard(List<GoodMessage> messages) {
        return messages.stream().map(GoodMessage::standard).toList();
    }

    SqsRecord fifo(String groupId) {
        return SqsRecord.fifo(messageId, groupId, body());
    }

    /** The exact cost, scaled as the service publishes it (10 decimal places). */
    BigDecimal cost() {
        return BigDecimal.valueOf(promptTokens).multiply(BigDecimal.valueOf(2))
                .add(BigDecimal.valueOf(completionTokens).multiply(BigDecimal.valueOf(8)))
                .divide(MILLION)
                .setScale(10);
    }

    /** The delta its first write publishes: +cost to its API key and to its upstream. */
    List<Adjustment> adjustments() {
        return List.of(new Adjustment(Adjustment.Scope.API_KEY, request.apiKeyId(), cost()),
                new Adjustment(Adjustment.Scope.UPSTREAM, request.upstreamId(), cost()));
    }

    /** Exactly one delta for this request among those published, carrying exactly its cost. */
    void assertPublishedOnceIn(Collection<QuotaDelta> published) {
        assertThat(published)
                .filteredOn(d -> d.requestLogId().equals(request.requestLogId()))
                .as("deltas of %s", messageId)
                .singleElement()
                .satisfies(d -> assertThat(d.adjustments()).containsExactlyElementsOf(adjustments()));
    }
}
