package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.BillingFunction;
import java.sql.Connection;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Instants are bound with their offset, so the session's TimeZone never shifts them: the
 * function's own connection is switched to a zone that differs from the JVM's (+05:45) before it
 * writes, on a set and on a set of one.
 */
class SessionTimeZoneTest {

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void billedAtAndCreatedAtAreStoredExactlyWhateverTheSessionTimeZone() throws Exception {
        assertThat(TimeZone.getDefault().getRawOffset()).as("the JVM's zone is not the session's").isNotEqualTo(
                (5 * 60 + 45) * 60_000);
        Clock clock = Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC);
        try (BillingFunction function = fixture.functions.billing(fixture.environment(), fixture.sqs.client(),
                () -> fixture.metrics, clock)) {
            Connection c = function.connections().get();
            try (var st = c.createStatement()) {
                st.execute("SET TIME ZONE 'Asia/Kathmandu'");
            }
            c.commit();
            var handler = function.handler();
            Request a = fixture.request();
            Request b = fixture.request();
            Request alone = fixture.request();

            var batch = handler.handleRequest(event(record("a", a.body("2026-11-30T11:00:00.123456Z")),
                    record("b", b.body("2026-11-30T11:00:00+02:00"))), null);
            var single = handler.handleRequest(event(record("c", alone.body("2026-11-30T11:00:00Z"))), null);

            assertThat(failedIds(batch)).isEmpty();
            assertThat(failedIds(single)).isEmpty();
            assertStored(a, "2026-11-30T11:00:00.123456Z");
            assertStored(b, "2026-11-30T09:00:00Z");
            assertStored(alone, "2026-11-30T11:00:00Z");
        }
    }

    private void assertStored(Request request, String billedAt) {
        assertThat(fixture.count("""
                SELECT count(*) FROM request_billing_snapshots
                WHERE request_log_id = ? AND billed_at = ?::timestamptz AND created_at = ?::timestamptz""",
                request.requestLogId(), billedAt, BillingFixture.NOW.toString())).isEqualTo(1);
    }
}
