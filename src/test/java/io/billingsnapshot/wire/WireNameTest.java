package io.billingsnapshot.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.db.SslMode;
import io.billingsnapshot.message.ServiceTier;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.quota.Outbox;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every name other systems read, pinned: a wire name comes from its constant's name, so renaming
 * a constant must fail here before it reaches a message, a column, a delta or the runbook.
 */
class WireNameTest {

    @Test
    void theWireNamesAreTheContracts() {
        assertThat(wireNames(Adjustment.Scope.values())).containsExactly("api_key", "upstream");
        assertThat(wireNames(BillingStatus.values())).containsExactly("billed", "unbilled");
        assertThat(wireNames(UnbillableReason.values()))
                .containsExactly("model_missing", "usage_missing", "price_not_found", "price_invalid");
        assertThat(wireNames(ServiceTier.values())).containsExactly("standard", "fast", "unknown");
        assertThat(wireNames(FailureReason.values())).containsExactly("invalid_message", "billed_at_in_future",
                "billed_at_too_old", "request_log_missing", "earlier_message_in_group_failed", "deadline_reached", "database_unavailable",
                "database_connection_lost", "database_error", "no_row_written", "internal_error",
                "delta_publish_failed");
        assertThat(wireNames(Outbox.QuarantineReason.values())).containsExactly("unreadable_payload", "refused_by_sqs");
        assertThat(Stream.of(SslMode.values()).map(SslMode::value))
                .containsExactly("disable", "require", "verify-ca", "verify-full");
        assertThat(Stream.of(ReferenceColumn.values()).map(ReferenceColumn::columnName))
                .containsExactly("api_key_id", "upstream_id", "user_id");
    }

    @Test
    void aConstantIsFoundByExactlyItsWireName() {
        assertThat(WireName.find(ServiceTier.class, "fast")).contains(ServiceTier.FAST);
        assertThat(WireName.find(ServiceTier.class, "FAST")).isEmpty();
        assertThat(WireName.find(ServiceTier.class, " fast")).isEmpty();
        assertThat(WireName.find(ServiceTier.class, null)).isEmpty();
        assertThat(BillingStatus.fromWireName("unbilled")).isEqualTo(BillingStatus.UNBILLED);
        assertThatThrownBy(() -> BillingStatus.fromWireName("Billed")).hasMessage("unknown billing status: Billed");
    }

    private static Stream<String> wireNames(WireName... constants) {
        return Stream.of(constants).map(WireName::wireName);
    }
}
