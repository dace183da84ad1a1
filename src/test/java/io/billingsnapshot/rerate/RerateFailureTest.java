package io.billingsnapshot.rerate;

import static io.billingsnapshot.rerate.RerateTest.DAY;
import static io.billingsnapshot.rerate.RerateTest.NEW_MODEL;
import static io.billingsnapshot.rerate.RerateTest.price;
import static io.billingsnapshot.rerate.RerateTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Re-rating when the database refuses a write or SQS is down: what is committed stays, nothing is lost. */
class RerateFailureTest {

    @RegisterExtension
    final RerateFixture fixture = new RerateFixture();
    private final BillingFixture billing = fixture.billing;
    private final RerateHandler rerate = fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC), 2);
    private final List<QuotaDelta> published = new ArrayList<>();

    private List<Request> unbilledRequests(int count) {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(send(billing, NEW_MODEL, String.format(Locale.ROOT, "2026-11-30T10:0%d:00Z", i)));
        }
        published.addAll(billing.drainDeltas());
        price(billing, NEW_MODEL, 1, 4);
        return requests;
    }

    @Test
    void aChunkTheDatabaseRefusesStopsTheCallWhichSaysWhereToContinue() {
        List<Request> requests = unbilledRequests(6);
        billing.db.execute("""
                CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.request_log_id = 'REFUSED_ID' THEN RAISE EXCEPTION 'refused by a trigger'; END IF;
                    RETURN NEW;
                END $$""".replace("REFUSED_ID", requests.get(4).requestLogId().toString()));
        billing.db.execute("""
                CREATE TRIGGER refuse_one BEFORE UPDATE ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION refuse_one()""");

        RerateFailedException failure = catchThrowableOfType(
                () -> RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}"), RerateFailedException.class);

        assertThat(failure).hasMessageStartingWith("re-rating failed (SQLState P0001) after 4 rows examined and 4 changed,"
                + " committed; call again with \"after\": \"2026-11-30T10:03:00Z/" + requests.get(3).requestLogId() + "\"");
        // The server's text can quote rows: neither the message nor a cause carries it.
        assertThat(failure.getMessage()).doesNotContain("refused by a trigger");
        assertThat(failure).hasNoCause();
        assertThat(billing.count("SELECT count(*) FROM request_billing_snapshots WHERE billing_status = 'billed'"))
                .isEqualTo(4);
        published.addAll(billing.drainDeltas());
        assertThat(published).hasSize(4);

        billing.db.execute("DROP TRIGGER refuse_one ON request_billing_snapshots");
        Matcher after = Pattern.compile("\"after\": \"([^\"]+)\"").matcher(failure.getMessage());
        assertThat(after.find()).isTrue();
        Map<String, Object> rest = RerateFixture.invoke(rerate,
                "{" + DAY + ", \"dryRun\": false, \"after\": \"" + after.group(1) + "\"}");

        assertThat(rest).containsEntry("examined", 2L).containsEntry("changed", 2L);
        published.addAll(billing.drainDeltas());
        assertThat(published).hasSize(6);
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts());
    }

    @Test
    void deltasSqsDoesNotTakeStayInTheOutboxAndTheBillingSweepPublishesThem() {
        unbilledRequests(3);
        billing.sqs.stop();

        Map<String, Object> report = RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}");

        assertThat(report).containsEntry("changed", 3L);
        assertThat(fixture.outboxRows()).isEqualTo(3);
        billing.sqs.resume();
        SQSEvent sweepOnly = BillingFixture.event();
        billing.handler().handleRequest(sweepOnly, null);
        assertThat(fixture.outboxRows()).isZero();
        published.addAll(billing.drainDeltas());
        assertThat(RerateFixture.net(published)).isEqualTo(fixture.billedCosts()).isEqualTo(RerateFixture.net(report));
    }
}
