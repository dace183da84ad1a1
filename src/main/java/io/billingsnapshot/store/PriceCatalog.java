package io.billingsnapshot.store;

import io.billingsnapshot.billing.CatalogPrice;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Prices;
import io.billingsnapshot.billing.TierRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Loads everything the price catalog tables say about one model (SPEC section 4). */
public final class PriceCatalog {

    private static final String TIER_RULES = """
            SELECT source, threshold_input_tokens, display_label,
                   input_price_per_million, output_price_per_million,
                   cache_read_input_price_per_million, cache_write_input_price_per_million
            FROM billing_tier_rules
            WHERE model = ? AND is_active AND source IN ('manual', 'litellm')
              AND input_price_per_million IS NOT NULL AND output_price_per_million IS NOT NULL""";

    private static final String MANUAL_OVERRIDE = """
            SELECT input_price_per_million, output_price_per_million,
                   cache_read_input_price_per_million, cache_write_input_price_per_million
            FROM billing_manual_price_overrides
            WHERE model = ? AND input_price_per_million IS NOT NULL AND output_price_per_million IS NOT NULL""";

    private static final String SYNCED_PRICE = """
            SELECT input_price_per_million, output_price_per_million,
                   cache_read_input_price_per_million, cache_write_input_price_per_million,
                   priority_input_price_per_million, priority_output_price_per_million,
                   priority_cache_read_input_price_per_million, priority_cache_write_input_price_per_million,
                   max_input_tokens, max_output_tokens
            FROM billing_model_prices
            WHERE model = ? AND source = 'litellm' AND is_active
              AND input_price_per_million IS NOT NULL AND output_price_per_million IS NOT NULL
            ORDER BY synced_at DESC
            LIMIT 1""";

    public ModelCatalog load(Connection c, String model) throws SQLException {
        List<TierRule> manual = new ArrayList<>();
        List<TierRule> litellm = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TIER_RULES)) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TierRule rule = new TierRule(rs.getInt("threshold_input_tokens"), rs.getString("display_label"), prices(rs));
                    ("manual".equals(rs.getString("source")) ? manual : litellm).add(rule);
                }
            }
        }
        return new ModelCatalog(manual, litellm, manualOverride(c, model), syncedPrice(c, model));
    }

    private Optional<Prices> manualOverride(Connection c, String model) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(MANUAL_OVERRIDE)) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(prices(rs)) : Optional.empty();
            }
        }
    }

    private Optional<CatalogPrice> syncedPrice(Connection c, String model) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SYNCED_PRICE)) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CatalogPrice(prices(rs),
                        Jdbc.nullableDouble(rs, "priority_input_price_per_million"),
                        Jdbc.nullableDouble(rs, "priority_output_price_per_million"),
                        Jdbc.nullableDouble(rs, "priority_cache_read_input_price_per_million"),
                        Jdbc.nullableDouble(rs, "priority_cache_write_input_price_per_million"),
                        Jdbc.nullableInteger(rs, "max_input_tokens"),
                        Jdbc.nullableInteger(rs, "max_output_tokens")));
            }
        }
    }

    private static Prices prices(ResultSet rs) throws SQLException {
        return new Prices(rs.getDouble("input_price_per_million"), rs.getDouble("output_price_per_million"),
                Jdbc.nullableDouble(rs, "cache_read_input_price_per_million"),
                Jdbc.nullableDouble(rs, "cache_write_input_price_per_million"));
    }
}
