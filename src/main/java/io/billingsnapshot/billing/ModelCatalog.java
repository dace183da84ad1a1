package io.billingsnapshot.billing;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the price catalog knows about one model: active tier rules by source, the
 * manual flat override and the synced catalog row. Loaded by the store, priced by
 * {@link PriceResolver} without further I/O.
 */
public record ModelCatalog(
        List<TierRule> manualTierRules,
        List<TierRule> litellmTierRules,
        Optional<Prices> manualOverride,
        Optional<CatalogPrice> catalogPrice) {

    public static final ModelCatalog EMPTY =
            new ModelCatalog(List.of(), List.of(), Optional.empty(), Optional.empty());

    /** The catalog something with this model is priced from, among those loaded: EMPTY without a model. */
    public static ModelCatalog forModel(Map<String, ModelCatalog> loaded, String model) {
        return model == null ? EMPTY : loaded.get(model);
    }

    public ModelCatalog {
        manualTierRules = List.copyOf(manualTierRules);
        litellmTierRules = List.copyOf(litellmTierRules);
    }
}
