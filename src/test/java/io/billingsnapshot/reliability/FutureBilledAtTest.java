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
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A billedAt further ahead of the function's clock than MAX_FUTURE_SKEW_SECONDS is an invalid message. */
class FutureBilledAtTest {

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void fiveMinutesAheadIsWrittenAndOneSecondMoreIsRefused() {
        Request atLimit = fixture.request();
        Request beyond = fixture.request();

        try (CapturedLogs logs = CapturedLogs.start(); BillingFunction function = function(Map.of())) {
            var response = function.handle(event(record("at-limit", atLimit.body("2026-11-30T12:05:00Z")),
                    record("beyond", beyond.body("2026-11-30T12:05:00.000001Z"))));

            assertThat(failedIds(response)).containsExactly("beyond");
            assertThat(logs.events(LogEvent.RECORD_FAILED)).singleElement()
                    .satisfies(line -> assertThat(line).containsEntry("reason", FailureReason.BILLED_AT_IN_FUTURE.wireName()));
        }
        assertThat(fixture.metrics.counted(Metric.INVALID_MESSAGES)).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
    }

    @Test
    void theSkewIsConfigured() {
        Request request = fixture.request();

        try (BillingFunction function = function(Map.of("MAX_FUTURE_SKEW_SECONDS", "0"))) {
            var response = function.handle(event(record("ahead", request.body("2026-11-30T12:00:01Z"))));

            assertThat(failedIds(response)).containsExactly("ahead");
        }
    }

    private BillingFunction function(Map<String, String> extra) {
        Map<String, String> env = Granularity.WHOLE_BATCH.environment(fixture.environment());
        env.putAll(extra);
        return fixture.functions.billing(env, fixture.sqs.client(), () -> fixture.metrics,
                Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC));
    }
}
