package io.billingsnapshot.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderTypeTest {

    @ParameterizedTest
    @CsvSource({
            "claude-sonnet-4-5, ANTHROPIC",
            "Claude-3-Opus, ANTHROPIC",
            "gpt-4o, OPENAI",
            "GPT-5, OPENAI",
            "gemini-2.5-pro, GOOGLE",
            "GEMINI-2.0-flash, GOOGLE",
            "mistral-large, NONE",
            "claude, NONE",
            "anthropic/claude-3, NONE",
            "o3-mini, NONE"})
    void providerComesFromTheLowerCasedModelPrefix(String model, ProviderType expected) {
        assertThat(ProviderType.ofModel(model)).isEqualTo(expected);
    }

    @Test
    void nullModelHasNoProvider() {
        assertThat(ProviderType.ofModel(null)).isEqualTo(ProviderType.NONE);
    }

    @Test
    void turkishDefaultLocaleStillRecognisesUpperCaseGemini() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertThat(ProviderType.ofModel("GEMINI-2.5-pro")).isEqualTo(ProviderType.GOOGLE);
        } finally {
            Locale.setDefault(saved);
        }
    }
}
