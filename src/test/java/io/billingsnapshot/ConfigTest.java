package io.billingsnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.config.EnvVars;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The function's own variables (the database's are DatabaseSettingsTest's). */
class ConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put(EnvVars.DB_URL, "jdbc:postgresql://db.example:5432/gateway");
        env.put(EnvVars.DB_USER, "billing_snapshot");
        env.put(EnvVars.DB_AUTH, "password");
        env.put(EnvVars.DB_PASSWORD, "secret");
        env.put(EnvVars.QUOTA_DELTA_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/123456789012/quota-deltas");
        return env;
    }

    @Test
    void aBilledAtMayBeThirtyFiveDaysOldByDefault() {
        assertThat(Config.fromEnvironment(minimal()).maxBilledAtAge()).isEqualTo(Duration.ofDays(35));
    }

    @Test
    void theOldestBilledAtIsConfiguredInDays() {
        Map<String, String> env = minimal();
        env.put(EnvVars.MAX_BILLED_AT_AGE_DAYS, "90");

        assertThat(Config.fromEnvironment(env).maxBilledAtAge()).isEqualTo(Duration.ofDays(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "36501", "35d", "1.5"})
    void aBadAgeIsRefusedWithAMessageNamingTheVariable(String value) {
        Map<String, String> env = minimal();
        env.put(EnvVars.MAX_BILLED_AT_AGE_DAYS, value);

        assertThatThrownBy(() -> Config.fromEnvironment(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("MAX_BILLED_AT_AGE_DAYS");
    }
}
