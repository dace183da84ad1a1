package io.billingsnapshot.store;

import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.billing.Snapshot;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every column of {@code request_billing_snapshots} this service writes, with its SQL type and
 * where its value comes from: the one place the row's shape is written down. The upsert's
 * column list, its unnest of one array per column, its update list and its binder all derive
 * from this table. {@code id} is the table's default; {@code created_at} is bound once per
 * statement.
 */
final class SnapshotColumns {

    record Column(String name, String sqlType, Function<Snapshot, Object> value) {
    }

    static final List<Column> ALL = List.of(
            new Column("request_log_id", "uuid", Snapshot::requestLogId),
            new Column("api_key_id", "uuid", s -> s.references().apiKeyId()),
            new Column("user_id", "uuid", s -> s.references().userId()),
            new Column("upstream_id", "uuid", s -> s.references().upstreamId()),
            new Column("model", "varchar", Snapshot::model),
            new Column("requested_service_tier", "varchar", Snapshot::requestedServiceTier),
            new Column("effective_service_tier", "varchar", Snapshot::effectiveServiceTier),
            new Column("billing_status", "varchar", s -> s.billingStatus().wireName()),
            new Column("unbillable_reason", "varchar", Snapshot::unbillableReason),
            new Column("price_source", "varchar", Snapshot::priceSource),
            new Column("base_input_price_per_million", "float8", Snapshot::baseInputPricePerMillion),
            new Column("base_output_price_per_million", "float8", Snapshot::baseOutputPricePerMillion),
            new Column("base_cache_read_input_price_per_million", "float8",
                    Snapshot::baseCacheReadInputPricePerMillion),
            new Column("base_cache_write_input_price_per_million", "float8",
                    Snapshot::baseCacheWriteInputPricePerMillion),
            new Column("matched_rule_type", "varchar", Snapshot::matchedRuleType),
            new Column("matched_rule_display_label", "varchar", Snapshot::matchedRuleDisplayLabel),
            new Column("applied_tier_threshold", "int4", Snapshot::appliedTierThreshold),
            new Column("model_max_input_tokens", "int4", Snapshot::modelMaxInputTokens),
            new Column("model_max_output_tokens", "int4", Snapshot::modelMaxOutputTokens),
            new Column("input_multiplier", "float8", Snapshot::inputMultiplier),
            new Column("output_multiplier", "float8", Snapshot::outputMultiplier),
            new Column("prompt_tokens", "int4", Snapshot::promptTokens),
            new Column("completion_tokens", "int4", Snapshot::completionTokens),
            new Column("total_tokens", "int4", Snapshot::totalTokens),
            new Column("cache_read_tokens", "int4", Snapshot::cacheReadTokens),
            new Column("cache_write_tokens", "int4", Snapshot::cacheWriteTokens),
            new Column("cache_read_cost", "float8", Snapshot::cacheReadCost),
            new Column("cache_write_cost", "float8", Snapshot::cacheWriteCost),
            new Column("final_cost", "float8", Snapshot::finalCost),
            new Column("currency", "varchar", Snapshot::currency),
            // Bound as text with its offset ("...Z"): a java.sql.Timestamp inside an array is sent
            // without one and read in the session's time zone.
            new Column("billed_at", "timestamptz", s -> s.billedAt().toString()));

    private SnapshotColumns() {
    }

    /** {@code request_log_id, api_key_id, ...} in table order. */
    static String names() {
        return ALL.stream().map(Column::name).collect(Collectors.joining(", "));
    }

    /** {@code ?::uuid[], ?::uuid[], ...}: one array parameter per column. */
    static String arrayParameters() {
        return ALL.stream().map(c -> "?::" + c.sqlType() + "[]").collect(Collectors.joining(", "));
    }

    /** {@code api_key_id = EXCLUDED.api_key_id, ...}: every column but the conflict key. */
    static String updateAll() {
        return ALL.stream().skip(1).map(c -> c.name() + " = EXCLUDED." + c.name())
                .collect(Collectors.joining(", "));
    }

    /** One column's values for the given rows, in row order. */
    static Object[] values(Column column, List<Snapshot> rows) {
        Object[] values = new Object[rows.size()];
        for (int r = 0; r < values.length; r++) {
            values[r] = column.value().apply(rows.get(r));
        }
        return values;
    }

    /** A whole stored row, read back from these columns. */
    static Snapshot read(ResultSet rs) throws SQLException {
        return new Snapshot(Jdbc.uuid(rs, "request_log_id"),
                new References(Jdbc.uuid(rs, "api_key_id"), Jdbc.uuid(rs, "upstream_id"), Jdbc.uuid(rs, "user_id")),
                rs.getString("model"), rs.getString("requested_service_tier"), rs.getString("effective_service_tier"),
                BillingStatus.fromWireName(rs.getString("billing_status")), rs.getString("unbillable_reason"),
                rs.getString("price_source"),
                Jdbc.nullableDouble(rs, "base_input_price_per_million"),
                Jdbc.nullableDouble(rs, "base_output_price_per_million"),
                Jdbc.nullableDouble(rs, "base_cache_read_input_price_per_million"),
                Jdbc.nullableDouble(rs, "base_cache_write_input_price_per_million"),
                rs.getString("matched_rule_type"), rs.getString("matched_rule_display_label"),
                Jdbc.nullableInteger(rs, "applied_tier_threshold"),
                Jdbc.nullableInteger(rs, "model_max_input_tokens"), Jdbc.nullableInteger(rs, "model_max_output_tokens"),
                Jdbc.nullableDouble(rs, "input_multiplier"), Jdbc.nullableDouble(rs, "output_multiplier"),
                rs.getInt("prompt_tokens"), rs.getInt("completion_tokens"), rs.getInt("total_tokens"),
                rs.getInt("cache_read_tokens"), rs.getInt("cache_write_tokens"),
                Jdbc.nullableDouble(rs, "cache_read_cost"), Jdbc.nullableDouble(rs, "cache_write_cost"),
                Jdbc.nullableDouble(rs, "final_cost"), rs.getString("currency"), Jdbc.instant(rs, "billed_at"));
    }
}
