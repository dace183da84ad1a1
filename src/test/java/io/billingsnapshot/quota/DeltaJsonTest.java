package io.billingsnapshot.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeltaJsonTest {

    private static final QuotaDelta DELTA = new QuotaDelta(UUID.fromString("00000000-0000-4000-8000-000000000001"),
            UUID.fromString("00000000-0000-4000-8000-000000000002"), Instant.parse("2026-11-30T11:00:00.123456Z"), "US\"D",
            List.of(new Adjustment(Adjustment.Scope.API_KEY, UUID.fromString("00000000-0000-4000-8000-00000000000a"),
                            new BigDecimal("-2.5000000000")),
                    new Adjustment(Adjustment.Scope.UPSTREAM, UUID.fromString("00000000-0000-4000-8000-00000000000b"),
                            new BigDecimal("0.0000000001"))));

    @Test
    void writesTheDeltaAsOneCompactObjectInAFixedFieldOrder() {
        assertThat(DeltaJson.write(DELTA)).isEqualTo("""
                {"deltaId":"00000000-0000-4000-8000-000000000001","requestLogId":"00000000-0000-4000-8000-000000000002",\
                "billedAt":"2026-11-30T11:00:00.123456Z","currency":"US\\"D","adjustments":[\
                {"scope":"api_key","id":"00000000-0000-4000-8000-00000000000a","amount":-2.5},\
                {"scope":"upstream","id":"00000000-0000-4000-8000-00000000000b","amount":0.0000000001}]}""");
    }

    @Test
    void readsBackWhatItWrote() {
        assertThat(DeltaJson.read(DeltaJson.write(DELTA))).isEqualTo(DELTA);
    }

    @Test
    void refusesAnUnknownScopeInsteadOfGuessingOne() {
        String user = DeltaJson.write(DELTA).replace("\"upstream\"", "\"user\"");

        assertThatThrownBy(() -> DeltaJson.read(user)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown scope 'user'");
    }

    @Test
    void refusesWhatIsNotAStoredDelta() {
        String written = DeltaJson.write(DELTA);
        for (String bad : List.of("{\"deltaId\": truncated", "[]", written.replace("-2.5", "\"-2.5\""),
                written.replace("-2.5", "-2.50000000001"), written.replace("2026-11-30T11:00:00.123456Z", "yesterday"),
                written.replace("\"currency\":\"US\\\"D\",", ""))) {
            assertThatThrownBy(() -> DeltaJson.read(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
