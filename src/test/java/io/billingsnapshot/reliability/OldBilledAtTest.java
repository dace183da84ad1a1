package io.billingsnapshot.reliability;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.Granularity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A billedAt further behind the function's clock than MAX_BILLED_AT_AGE_DAYS is an invalid
 * message: a charge outside every quota window would be free usage nobody sees. The fixture's
 * clock is 2026-11-30T12:00:00Z, so the default 35 days reach back to 2026-10-26T12:00:00Z.
 */
class OldBilledAtTest {

    private static final String LIMIT = "2026-10-26T12:00:00Z";

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @ParameterizedTest
    @EnumSource(Granularity.class)
    void thirtyFiveDaysBehindIsWrittenAndOneMicrosecondMoreIsRefused(Granularity path) {
        Request atLimit = fixture.request();
        Request beyond = fixture.request();
        Request epoch = fixture.request();

        try (CapturedLogs logs = CapturedLogs.start();
                BillingFunction function = function(path, Map.of(), BillingFixture.NOW)) {
            var response = function.handle(event(record("at-limit", atLimit.body(LIMIT)),
                    record("beyond", beyond.body("2026-10-26T11:59:59.999999Z")),
                    record("1971", epoch.body("1971-01-01T00:00:00Z"))));

            assertThat(failedIds(response)).containsExactly("beyond", "1971");
            assertThat(logs.events(LogEvent.RECORD_FAILED)).hasSize(2)
                    .allSatisfy(line -> assertThat(line).containsEntry("reason", FailureReason.BILLED_AT_TOO_OLD.wireName()));
        }
        assertThat(fixture.metrics.counted(Metric.INVALID_MESSAGES)).isEqualTo(2);
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots WHERE request_log_id = ?",
                atLimit.requestLogId())).isEqualTo(1);
    }

    /**
     * The bound is compared at the microsecond, like billedAt itself: a clock with nanoseconds
     * past the limit's microsecond does not refuse a billedAt at that microsecond, and a billedAt
     * with a finer fraction is truncated before it is compared.
     */
    @Test
    void theBoundIsComparedAtTheMicrosecond() {
        Request atLimit = fixture.request();
        Request truncatedBeyond = fixture.request();

        try (BillingFunction function = function(Granularity.WHOLE_BATCH, Map.of(), BillingFixture.NOW.plusNanos(999))) {
            var response = function.handle(event(record("at-limit", atLimit.body(LIMIT)),
                    record("truncated-beyond", truncatedBeyond.body("2026-10-26T11:59:59.9999999Z"))));

            assertThat(failedIds(response)).containsExactly("truncated-beyond");
        }
    }

    @Test
    void theAgeIsConfigured() {
        Request day = fixture.request();
        Request twoDays = fixture.request();

        try (BillingFunction function = function(Granularity.WHOLE_BATCH, Map.of("MAX_BILLED_AT_AGE_DAYS", "1"),
                BillingFixture.NOW)) {
            var response = function.handle(event(record("a-day", day.body("2026-11-29T12:00:00Z")),
                    record("two-days", twoDays.body("2026-11-28T12:00:00Z"))));

            assertThat(failedIds(response)).containsExactly("two-days");
        }
    }

    private BillingFunction function(Granularity path, Map<String, String> extra, Instant now) {
        Map<String, String> env = new HashMap<>(fixture.environment());
        env.putAll(extra);
        return fixture.functions.billing(path.environment(env), fixture.sqs.client(),
                () -> fixture.metrics, Clock.fixed(now, ZoneOffset.UTC));
    }
}
