package io.billingsnapshot.billing;

import java.util.Optional;

/**
 * The outcome of price resolution: the price, if one was found, and the model's token
 * limits from the catalog row, recorded whether or not a price was found.
 */
public record PriceResolution(
        Optional<ResolvedPrice> price,
        Integer modelMaxInputTokens,
        Integer modelMaxOutputTokens) {
}
