package io.billingsnapshot.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.CatalogPrice;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.Prices;
import io.billingsnapshot.billing.TierRule;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one catalog query: what it reads for many models at once, and that nothing is kept between reads. */
class PriceCatalogTest {

    private TestDatabase.Db db;
    private Connection c;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.server().createDatabase();
        db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million,
                    cache_read_input_price_per_million, priority_input_price_per_million,
                    priority_output_price_per_million, max_input_tokens, max_output_tokens, source, is_active)
                VALUES ('claude-x', 3, 15, 0.3, 6, 30, 200000, 8192, 'litellm', true),
                       ('claude-x', 1, 1, NULL, NULL, NULL, NULL, NULL, 'other', true),
                       ('gpt-old', 1, 2, NULL, NULL, NULL, 4096, 4096, 'litellm', false),
                       ('gemini-y', 0.5, 1.5, NULL, NULL, NULL, NULL, NULL, 'litellm', true)""");
        db.execute("""
                INSERT INTO billing_tier_rules (model, source, threshold_input_tokens, display_label,
                    input_price_per_million, output_price_per_million, cache_write_input_price_per_million, is_active)
                VALUES ('claude-x', 'manual', 200000, '>200k', 6, 22.5, 7.5, true),
                       ('claude-x', 'manual', 100000, '>100k inactive', 5, 20, NULL, false),
                       ('claude-x', 'litellm', 128000, '>128k', 4, 16, NULL, true),
                       ('claude-x', 'litellm', 1000000, '>1M', 8, 32, NULL, true),
                       ('claude-x', 'other', 10, 'ignored source', 1, 1, NULL, true)""");
        db.execute("""
                INSERT INTO billing_manual_price_overrides (model, input_price_per_million, output_price_per_million)
                VALUES ('gemini-y', 0.25, 1), ('override-only', 7, 9)""");
        c = db.connect();
    }

    @AfterEach
    void tearDown() throws Exception {
        c.close();
    }

    @Test
    void readsEveryModelOfTheSetInOneStatement() throws Exception {
        List<String> models = List.of("claude-x", "gpt-old", "gemini-y", "override-only", "unknown-model");

        Map<String, ModelCatalog> loaded = new PriceCatalog().load(c, models, Duration.ofSeconds(5));

        assertSameCatalog(loaded.get("claude-x"), new ModelCatalog(
                List.of(new TierRule(200000, ">200k", new Prices(6, 22.5, null, 7.5))),
                List.of(new TierRule(128000, ">128k", new Prices(4, 16, null, null)),
                        new TierRule(1000000, ">1M", new Prices(8, 32, null, null))),
                Optional.empty(),
                Optional.of(new CatalogPrice(new Prices(3, 15, 0.3, null), 6.0, 30.0, null, null, 200000, 8192))));
        assertSameCatalog(loaded.get("gpt-old"), ModelCatalog.EMPTY);
        assertSameCatalog(loaded.get("gemini-y"), new ModelCatalog(List.of(), List.of(),
                Optional.of(new Prices(0.25, 1, null, null)),
                Optional.of(new CatalogPrice(new Prices(0.5, 1.5, null, null), null, null, null, null, null, null))));
        assertSameCatalog(loaded.get("override-only"), new ModelCatalog(List.of(), List.of(),
                Optional.of(new Prices(7, 9, null, null)), Optional.empty()));
        assertThat(loaded.get("unknown-model")).isEqualTo(ModelCatalog.EMPTY);
    }

    @Test
    void aChangeIsSeenByTheNextLoad() throws Exception {
        PriceCatalog catalog = new PriceCatalog();
        catalog.load(c, List.of("gemini-y"), Duration.ofSeconds(5));
        db.execute("UPDATE billing_manual_price_overrides SET input_price_per_million = 0.75 WHERE model = 'gemini-y'");

        var after = catalog.load(c, List.of("gemini-y"), Duration.ofSeconds(5));

        assertThat(after.get("gemini-y").manualOverride().orElseThrow().input()).isEqualTo(0.75);
    }

    /** Tier rules compared as sets: neither read orders them, and the resolver does not need it. */
    private static void assertSameCatalog(ModelCatalog actual, ModelCatalog expected) {
        assertThat(new HashSet<>(actual.manualTierRules())).isEqualTo(new HashSet<>(expected.manualTierRules()));
        assertThat(new HashSet<>(actual.litellmTierRules())).isEqualTo(new HashSet<>(expected.litellmTierRules()));
        assertThat(actual.manualOverride()).isEqualTo(expected.manualOverride());
        assertThat(actual.catalogPrice()).isEqualTo(expected.catalogPrice());
    }
}
