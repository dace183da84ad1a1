package io.billingsnapshot.rerate;

import static io.billingsnapshot.rerate.RerateTest.DAY;
import static io.billingsnapshot.rerate.RerateTest.NEW_MODEL;
import static io.billingsnapshot.rerate.RerateTest.price;
import static io.billingsnapshot.rerate.RerateTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.testing.BilledAtIndex;
import io.billingsnapshot.testing.BillingFixture;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A table every pick would scan whole is refused before anything is read, with how to create the
 * index; once the index exists the same request runs. The table here is small: the handler is
 * given a limit of 0 bytes (production's is 128 MB), so that the real catalog read decides.
 */
class RerateIndexTest {

    @RegisterExtension
    final RerateFixture fixture = new RerateFixture();
    private final BillingFixture billing = fixture.billing;

    @Test
    void withoutTheIndexATableOverTheLimitIsRefusedBeforeAnythingIsReadAndRunsOnceItExists() {
        send(billing, NEW_MODEL, "2026-11-30T10:00:00Z");
        send(billing, NEW_MODEL, "2026-11-30T10:05:00Z");
        billing.drainDeltas();
        price(billing, NEW_MODEL, 1, 4);
        RerateHandler rerate = fixture.handler(Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC), 1_000,
                new SnapshotRange(0));
        List<Map<String, Object>> before = fixture.snapshotTable();

        for (String request : List.of("{" + DAY + "}", "{" + DAY + ", \"dryRun\": false}")) {
            assertThatThrownBy(() -> RerateFixture.invoke(rerate, request)).as(request)
                    .isInstanceOf(RerateFailedException.class)
                    .hasMessageStartingWith("re-rating refused, nothing read or written: request_billing_snapshots is ")
                    .hasMessageContaining("has no index on (billed_at, request_log_id)")
                    .hasMessageContaining(SnapshotRange.CREATE_INDEX)
                    .hasMessageEndingWith("then call again with the same request");
        }
        assertThat(fixture.snapshotTable()).isEqualTo(before);
        assertThat(fixture.outboxRows()).isZero();
        assertThat(billing.drainDeltas()).isEmpty();
        assertThat(fixture.emf.toString(StandardCharsets.UTF_8)).isEmpty();

        BilledAtIndex.create(billing.db);

        assertThat(RerateFixture.invoke(rerate, "{" + DAY + ", \"dryRun\": false}"))
                .containsEntry("examined", 2L).containsEntry("billedNow", 2L).containsEntry("next", null);
        assertThat(billing.drainDeltas()).hasSize(2);
    }
}
