package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.CountingRelay;
import io.billingsnapshot.testing.Granularity;
import io.billingsnapshot.testing.SqsRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Database round trips per batch, counted from the outside by a TCP relay between the function
 * and PostgreSQL: constant in the batch size for a set, growing with it for sets of one.
 */
class RoundTripsTest {

    private BillingFixture fixture;
    private CountingRelay relay;
    private UUID key;
    private UUID upstream;
    private UUID user;

    @BeforeEach
    void setUp() {
        fixture = new BillingFixture();
        relay = CountingRelay.start("localhost", port(fixture.db.url()), Duration.ZERO);
        key = fixture.insert("api_keys");
        upstream = fixture.upstream(1, 1);
        user = fixture.insert("users");
    }

    @AfterEach
    void tearDown() {
        relay.close();
        fixture.close();
    }

    @Test
    void aCleanBatchCostsTheSameElevenRoundTripsWhateverItsSize() {
        try (BillingFunction function = function(Granularity.WHOLE_BATCH)) {
            function.handle(newRequests(3)); // connects

            long small = roundTrips(function, newRequests(5));
            long large = roundTrips(function, newRequests(300));

            assertThat(large).isEqualTo(small);
            // Validate the connection, lock requests and parents, read the catalog, lock the stored rows,
            // upsert, outbox, commit; publish: delete, commit; sweep: claim, commit.
            assertThat(small).isLessThanOrEqualTo(11);
        }
    }

    @Test
    void aRedeliveredBatchThatChangesNothingCostsFewerStillAndAlsoConstant() {
        try (BillingFunction function = function(Granularity.WHOLE_BATCH)) {
            SQSEvent small = newRequests(5);
            SQSEvent large = newRequests(300);
            function.handle(small);
            function.handle(large);

            assertThat(roundTrips(function, large)).isEqualTo(roundTrips(function, small)).isLessThan(11);
        }
    }

    @Test
    void messageByMessageTheRoundTripsGrowWithTheBatch() {
        try (BillingFunction function = function(Granularity.SETS_OF_ONE)) {
            function.handle(newRequests(3));

            long five = roundTrips(function, newRequests(5));
            long twenty = roundTrips(function, newRequests(20));

            assertThat(twenty - five).as("15 more messages").isGreaterThanOrEqualTo(15 * 5);
        }
    }

    private long roundTrips(BillingFunction function, SQSEvent event) {
        long before = relay.roundTrips();
        assertThat(failedIds(function.handle(event))).isEmpty();
        return relay.roundTrips() - before;
    }

    private BillingFunction function(Granularity granularity) {
        Map<String, String> env = granularity.environment(fixture.environment());
        env.put("DB_URL", relay.relayUrl(fixture.db.url()));
        return fixture.functions.billing(env, fixture.sqs.client(), () -> fixture.metrics,
                Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC));
    }

    /** A batch of billed messages for request logs inserted with one statement. */
    private SQSEvent newRequests(int count) {
        List<SqsRecord> records = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            records.add(record("m" + i, new BillingFixture.Request(id, key, upstream, user).body("2026-11-30T11:00:00Z")));
        }
        fixture.db.execute("""
                INSERT INTO request_logs (id, api_key_id, upstream_id, user_id, model)
                SELECT id, ?, ?, ?, 'gpt-4o' FROM unnest(?::uuid[]) AS id""",
                key, upstream, user, ids.stream().map(UUID::toString).toArray(String[]::new));
        return event(records);
    }

    private static int port(String jdbcUrl) {
        String hostPort = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2, jdbcUrl.indexOf('/', jdbcUrl.indexOf("//") + 2));
        return Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
    }
}
