package io.billingsnapshot.billing;

/** Chooses the price of a request from the model's catalog (SPEC section 5). Pure. */
public final class PriceResolver {

    private PriceResolver() {
    }

    public static PriceResolution resolve(ServiceTier effectiveTier, int billedInputTokens, ModelCatalog catalog) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
