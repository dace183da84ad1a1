package io.billingsnapshot.billing;

import java.util.Locale;

/** The model's provider, recognised by the model name's lower-cased prefix (docs/design.md §5). */
public enum ProviderType {
    ANTHROPIC("claude-"),
    OPENAI("gpt-"),
    GOOGLE("gemini-"),
    NONE(null);

    private final String modelPrefix;

    ProviderType(String modelPrefix) {
        this.modelPrefix = modelPrefix;
    }

    /** The provider of {@code model}; {@link #NONE} for an unrecognised or null model. */
    public static ProviderType ofModel(String model) {
        if (model == null) {
            return NONE;
        }
        // Locale.ROOT: under a Turkish default locale "GEMINI-" would lower-case to "gemını-".
        String lower = model.toLowerCase(Locale.ROOT);
        for (ProviderType type : values()) {
            if (type.modelPrefix != null && lower.startsWith(type.modelPrefix)) {
                return type;
            }
        }
        return NONE;
    }
}
