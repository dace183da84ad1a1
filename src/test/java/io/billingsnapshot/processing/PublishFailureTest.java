package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.metrics.Gauge;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SQS refuses the delta: the record fails, the delta waits in the outbox, a later invocation publishes it. */
class PublishFailureTest {

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void aStoppedQueueFailsTheRecordAndALaterInvocationPublishesTheDelta() {
        Request request = fixture.request();
        var handler = fixture.handler();
        fixture.sqs.stop();

        var failed = handler.handleRequest(event(record("m1", request.body("2026-11-30T11:00:00Z"))), null);

        assertThat(failedIds(failed)).containsExactly("m1");
        assertThat(fixture.metrics.counted(Metric.DELTA_PUBLISH_FAILURES)).isPositive();
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isEqualTo(1);

        fixture.sqs.resume();
        var sweep = handler.handleRequest(event(), null);

        assertThat(failedIds(sweep)).isEmpty();
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
        assertThat(fixture.drainDeltas()).singleElement()
                .satisfies(d -> assertThat(d.requestLogId()).isEqualTo(request.requestLogId()));
    }

    @Test
    void aMissingQueueFailsTheRecordAndTheRedeliveryDoesNotChargeTwice() {
        Request request = fixture.request();
        var handler = fixture.handler();
        String body = request.body("2026-11-30T11:00:00Z");
        fixture.deleteDeltaQueue();

        assertThat(failedIds(handler.handleRequest(event(record("m1", body)), null))).containsExactly("m1");

        fixture.recreateDeltaQueue();
        var redelivery = handler.handleRequest(event(record("m1", body)), null);

        assertThat(failedIds(redelivery)).isEmpty();
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
        assertThat(fixture.drainDeltas()).hasSize(1);
    }

    @Test
    void anEmptyEventOnlySweepsTheOutbox() {
        var response = fixture.handler().handleRequest(new SQSEvent(), null);
        assertThat(response.getBatchItemFailures()).isEqualTo(List.of());
        assertThat(fixture.metrics.gauge(Gauge.OUTBOX_PENDING)).hasValue(0);
        assertThat(fixture.metrics.gauge(Gauge.OUTBOX_OLDEST_AGE_SECONDS)).hasValue(0);
    }
}
