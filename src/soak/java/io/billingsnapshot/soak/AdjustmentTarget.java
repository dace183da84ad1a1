package io.billingsnapshot.soak;

import java.util.UUID;

/** Whose quota an adjustment moves: an API key or an upstream. */
public record AdjustmentTarget(String scope, UUID id) {

    public static final String API_KEY = "api_key";
    public static final String UPSTREAM = "upstream";

    public static AdjustmentTarget apiKey(UUID id) {
        return new AdjustmentTarget(API_KEY, id);
    }

    public static AdjustmentTarget upstream(UUID id) {
        return new AdjustmentTarget(UPSTREAM, id);
    }

    @Override
    public String toString() {
        return scope + " " + id;
    }
}
