package io.billingsnapshot.store;

import io.billingsnapshot.billing.CatalogPrice;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Prices;
import io.billingsnapshot.billing.TierRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The price catalog of the models a batch needs, kept for a short time (the TTL) so that a
 * warm execution environment prices a batch without reading the catalog at all. Models it has
 * not seen are read in one statement for all of them; a model without any catalog row is
 * remembered as such. When the TTL has passed everything is forgotten and read again, so a
 * catalog change reaches the fast path within the TTL.
 *
 * <p>The rules are those of {@link PriceCatalog}, for many models at once: active tier rules
 * of both sources, the manual override, and the latest active synced row.
 */
public final class CatalogCache {

    /** A gateway has hundreds of models; past this, something is odd and the cache starts over. */
    private static final int MAX_MODELS = 10_000;

    private static final String LOAD = """
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

    private final Duration ttl;
    private final Map<String, ModelCatalog> models = new HashMap<>();
    private Instant filledSince;

    /** @param ttl how long a model's catalog is trusted; zero reads it for every batch */
    public CatalogCache(Duration ttl) {
        this.ttl = ttl;
    }

    /** The catalog of each named model ({@link ModelCatalog#EMPTY} for one without rows), reading only unseen models. */
    public synchronized Map<String, ModelCatalog> catalogs(Connection c, Collection<String> wanted, Instant now)
            throws SQLException {
        if (filledSince == null || !now.isBefore(filledSince.plus(ttl)) || models.size() > MAX_MODELS) {
            models.clear();
            filledSince = now;
        }
        Set<String> unseen = new TreeSet<>();
        for (String model : wanted) {
            if (!models.containsKey(model)) {
                unseen.add(model);
            }
        }
        if (!unseen.isEmpty()) {
            models.putAll(load(c, unseen));
        }
        Map<String, ModelCatalog> result = new HashMap<>();
        for (String model : wanted) {
            result.put(model, models.get(model));
        }
        return result;
    }

    private static Map<String, ModelCatalog> load(Connection c, Set<String> models) throws SQLException {
        Map<String, Parts> parts = new HashMap<>();
        models.forEach(model -> parts.put(model, new Parts()));
        try (PreparedStatement ps = c.prepareStatement(LOAD)) {
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
