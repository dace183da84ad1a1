package io.billingsnapshot.store;

import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.billing.Snapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes of {@code request_billing_snapshots}, one request at a time. */
public final class SnapshotTable {

    /** Every column we write, in bind order; {@code id} is the table's default, {@code created_at} is bound last. */
    static final String COLUMNS = """
            request_log_id, api_key_id, user_id, upstream_id, model,
            requested_service_tier, effective_service_tier, billing_status, unbillable_reason, price_source,
            base_input_price_per_million, base_output_price_per_million,
            base_cache_read_input_price_per_million, base_cache_write_input_price_per_million,
            matched_rule_type, matched_rule_display_label, applied_tier_threshold,
            model_max_input_tokens, model_max_output_tokens, input_multiplier, output_multiplier,
            prompt_tokens, completion_tokens, total_tokens, cache_read_tokens, cache_write_tokens,
            cache_read_cost, cache_write_cost, final_cost, currency, billed_at, created_at""";

    private static final String VALUES = "?, ".repeat(31) + "?";

    /** On conflict every column but id and created_at is replaced. */
    static final String UPDATE_ALL = """
            api_key_id = EXCLUDED.api_key_id, user_id = EXCLUDED.user_id, upstream_id = EXCLUDED.upstream_id,
            model = EXCLUDED.model, requested_service_tier = EXCLUDED.requested_service_tier,
            effective_service_tier = EXCLUDED.effective_service_tier, billing_status = EXCLUDED.billing_status,
            unbillable_reason = EXCLUDED.unbillable_reason, price_source = EXCLUDED.price_source,
            base_input_price_per_million = EXCLUDED.base_input_price_per_million,
            base_output_price_per_million = EXCLUDED.base_output_price_per_million,
            base_cache_read_input_price_per_million = EXCLUDED.base_cache_read_input_price_per_million,
            base_cache_write_input_price_per_million = EXCLUDED.base_cache_write_input_price_per_million,
            matched_rule_type = EXCLUDED.matched_rule_type,
            matched_rule_display_label = EXCLUDED.matched_rule_display_label,
            applied_tier_threshold = EXCLUDED.applied_tier_threshold,
            model_max_input_tokens = EXCLUDED.model_max_input_tokens,
            model_max_output_tokens = EXCLUDED.model_max_output_tokens,
            input_multiplier = EXCLUDED.input_multiplier, output_multiplier = EXCLUDED.output_multiplier,
            prompt_tokens = EXCLUDED.prompt_tokens, completion_tokens = EXCLUDED.completion_tokens,
            total_tokens = EXCLUDED.total_tokens, cache_read_tokens = EXCLUDED.cache_read_tokens,
            cache_write_tokens = EXCLUDED.cache_write_tokens, cache_read_cost = EXCLUDED.cache_read_cost,
            cache_write_cost = EXCLUDED.cache_write_cost, final_cost = EXCLUDED.final_cost,
            currency = EXCLUDED.currency, billed_at = EXCLUDED.billed_at""";

    private static final String INSERT_IF_ABSENT = "INSERT INTO request_billing_snapshots (" + COLUMNS
            + ") VALUES (" + VALUES + ") ON CONFLICT (request_log_id) DO NOTHING";

    private static final String UPSERT = "INSERT INTO request_billing_snapshots (" + COLUMNS
            + ") VALUES (" + VALUES + ") ON CONFLICT (request_log_id) DO UPDATE SET " + UPDATE_ALL;

    private static final String LOCK_PREVIOUS = """
            SELECT api_key_id, upstream_id, billing_status, final_cost, billed_at
            FROM request_billing_snapshots
            WHERE request_log_id = ?
            FOR UPDATE""";

    /** The stored row of this request, locked until the transaction ends. */
    public Optional<BilledAmount> lockPrevious(Connection c, UUID requestLogId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK_PREVIOUS)) {
            Jdbc.setUuid(ps, 1, requestLogId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(billedAmount(rs)) : Optional.empty();
            }
        }
    }

    static BilledAmount billedAmount(ResultSet rs) throws SQLException {
        return new BilledAmount(Jdbc.uuid(rs, "api_key_id"), Jdbc.uuid(rs, "upstream_id"),
                BillingStatus.fromWireName(rs.getString("billing_status")),
                Jdbc.nullableDouble(rs, "final_cost"), Jdbc.instant(rs, "billed_at"));
    }

    /** A whole stored row, read from the columns of {@link #COLUMNS}. */
    static Snapshot snapshot(ResultSet rs) throws SQLException {
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

    /**
     * Inserts the row unless one exists. False means a concurrent transaction committed a row
     * for this request after our {@link #lockPrevious} saw none: the caller locks and reads it.
     */
    public boolean insertIfAbsent(Connection c, Snapshot snapshot, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_IF_ABSENT)) {
            bind(ps, snapshot, now);
            return ps.executeUpdate() == 1;
        }
    }

    /** Inserts, or replaces every column but id and created_at of the existing row. */
    public void upsert(Connection c, Snapshot snapshot, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            bind(ps, snapshot, now);
            ps.executeUpdate();
        }
    }

    static void bind(PreparedStatement ps, Snapshot s, Instant now) throws SQLException {
        int i = 0;
        Jdbc.setUuid(ps, ++i, s.requestLogId());
        Jdbc.setUuid(ps, ++i, s.references().apiKeyId());
        Jdbc.setUuid(ps, ++i, s.references().userId());
        Jdbc.setUuid(ps, ++i, s.references().upstreamId());
        ps.setString(++i, s.model());
        ps.setString(++i, s.requestedServiceTier());
        ps.setString(++i, s.effectiveServiceTier());
        ps.setString(++i, s.billingStatus().wireName());
        ps.setString(++i, s.unbillableReason());
        ps.setString(++i, s.priceSource());
        Jdbc.setDouble(ps, ++i, s.baseInputPricePerMillion());
        Jdbc.setDouble(ps, ++i, s.baseOutputPricePerMillion());
        Jdbc.setDouble(ps, ++i, s.baseCacheReadInputPricePerMillion());
        Jdbc.setDouble(ps, ++i, s.baseCacheWriteInputPricePerMillion());
        ps.setString(++i, s.matchedRuleType());
        ps.setString(++i, s.matchedRuleDisplayLabel());
        Jdbc.setInteger(ps, ++i, s.appliedTierThreshold());
        Jdbc.setInteger(ps, ++i, s.modelMaxInputTokens());
        Jdbc.setInteger(ps, ++i, s.modelMaxOutputTokens());
        Jdbc.setDouble(ps, ++i, s.inputMultiplier());
        Jdbc.setDouble(ps, ++i, s.outputMultiplier());
        ps.setInt(++i, s.promptTokens());
        ps.setInt(++i, s.completionTokens());
        ps.setInt(++i, s.totalTokens());
        ps.setInt(++i, s.cacheReadTokens());
        ps.setInt(++i, s.cacheWriteTokens());
        Jdbc.setDouble(ps, ++i, s.cacheReadCost());
        Jdbc.setDouble(ps, ++i, s.cacheWriteCost());
        Jdbc.setDouble(ps, ++i, s.finalCost());
        ps.setString(++i, s.currency());
        Jdbc.setInstant(ps, ++i, s.billedAt());
        Jdbc.setInstant(ps, ++i, now);
    }
}
