package io.billingsnapshot.store;

import io.billingsnapshot.billing.CatalogPrice;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Prices;
import io.billingsnapshot.billing.TierRule;
import io.billingsnapshot.db.StatementTimeout;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the price catalog tables say about some models (docs/design.md §4), in one statement:
 * active tier rules of both sources, the manual override, and the latest active synced row.
 * Read inside the set's transaction, so every set is priced from the catalog as committed when
 * its transaction starts; nothing is kept between sets.
 */
public final class PriceCatalog {

    static final String LOAD = """
            SELECT 'tier' AS kind, model, source, threshold_input_tokens, display_label,
                   input_price_per_million, output_price_per_million,
                   cache_read_input_price_per_million, cache_write_input_price_per_million,
                   NULL::double precision AS priority_input_price_per_million,
                   NULL::double precision AS priority_output_price_per_million,
                   NULL::double precision AS priority_cache_read_input_price_per_million,
                   NULL::double precision AS priority_cache_write_input_price_per_million,
                   NULL::integer AS max_input_tokens, NULL::integer AS max_output_tokens
            FROM billing_tier_rules
            WHERE model = ANY (?) AND is_active AND source IN ('manual', 'litellm')
              AND input_price_per_million IS NOT NULL AND output_price_per_million IS NOT NULL
            UNION ALL
            SELECT 'override', model, 'manual', NULL, NULL,
                   input_price_per_million, output_price_per_million,
                   cache_read_input_price_per_million, cache_write_input_price_per_million,
                   NULL, NULL, NULL, NULL, NULL, NULL
            FROM billing_manual_price_overrides
            WHERE model = ANY (?) AND input_price_per_million IS NOT NULL AND output_price_per_million IS NOT NULL
            UNION ALL
            (SELECT DISTINCT ON (model) 'synced', model, source, NULL, NULL,
                    input_price_per_million, output_price_per_million,
                    cache_read_input_price_per_million, cache_write_input_price_per_million,
                    priority_input_price_per_million, priority_output_price_per_million,
                    priority_cache_read_input_price_per_million, priority_cache_write_input_price_per_million,
                    max_input_tokens, max_output_tokens
             FROM billing_model_prices
             WHERE model = ANY (?) AND source = 'litellm' AND is_active
               AND input_price_per_million IS NOT NULL AND output_price_per_million IS NOT NULL
             ORDER BY model, synced_at DESC)""";

    /** The catalog of each named model ({@link ModelCatalog#EMPTY} for one without rows). */
    public Map<String, ModelCatalog> load(Connection c, Collection<String> models, Duration timeout)
            throws SQLException {
        Map<String, Parts> parts = new HashMap<>();
        models.forEach(model -> parts.put(model, new Parts()));
        try (PreparedStatement ps = c.prepareStatement(LOAD)) {
            StatementTimeout.set(ps, timeout);
            var names = c.createArrayOf("text", models.toArray());
            ps.setArray(1, names);
            ps.setArray(2, names);
            ps.setArray(3, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parts.get(rs.getString("model")).add(rs);
                }
            }
        }
        Map<String, ModelCatalog> loaded = new HashMap<>();
        parts.forEach((model, p) -> loaded.put(model, p.catalog()));
        return loaded;
    }

    /** The rows of one model, collected as they come. */
    private static final class Parts {
        private final List<TierRule> manual = new ArrayList<>();
        private final List<TierRule> litellm = new ArrayList<>();
        private Optional<Prices> override = Optional.empty();
        private Optional<CatalogPrice> synced = Optional.empty();

        void add(ResultSet rs) throws SQLException {
            Prices prices = new Prices(rs.getDouble("input_price_per_million"), rs.getDouble("output_price_per_million"),
                    Jdbc.nullableDouble(rs, "cache_read_input_price_per_million"),
                    Jdbc.nullableDouble(rs, "cache_write_input_price_per_million"));
            switch (rs.getString("kind")) {
                case "tier" -> {
                    TierRule rule = new TierRule(rs.getInt("threshold_input_tokens"), rs.getString("display_label"), prices);
                    ("manual".equals(rs.getString("source")) ? manual : litellm).add(rule);
                }
                case "override" -> override = Optional.of(prices);
                default -> synced = Optional.of(new CatalogPrice(prices,
                        Jdbc.nullableDouble(rs, "priority_input_price_per_million"),
                        Jdbc.nullableDouble(rs, "priority_output_price_per_million"),
                        Jdbc.nullableDouble(rs, "priority_cache_read_input_price_per_million"),
                        Jdbc.nullableDouble(rs, "priority_cache_write_input_price_per_million"),
                        Jdbc.nullableInteger(rs, "max_input_tokens"),
                        Jdbc.nullableInteger(rs, "max_output_tokens")));
            }
        }

        ModelCatalog catalog() {
            return new ModelCatalog(manual, litellm, override, synced);
        }
    }
}
