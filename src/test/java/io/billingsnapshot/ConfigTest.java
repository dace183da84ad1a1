package io.billingsnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configuration as the wiring reads it: the log level first, the switch between whole-batch
 * sets and sets of one under its name and under its former one, the oldest billedAt accepted (the
 * database's own variables are DatabaseSettingsTest's).
 */
class ConfigTest {

    @Test
    void theEnvironmentsLogLevelHoldsFromTheWiringsFirstLine() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (var redirect = JsonLog.redirect(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC());
                var connections = new DatabaseConnections(
                        Wiring.configure(environment(Map.of(EnvVars.LOG_LEVEL, "WARN"))).database())) {
            // made, not connected: it logs its settings at INFO and the weak TLS mode at WARN
        } finally {
            JsonLog.setThreshold(JsonLog.Level.INFO);
        }

        assertThat(log.toString(StandardCharsets.UTF_8)).contains(LogEvent.DB_TLS_WEAKENED)
                .doesNotContain(LogEvent.DB_SETTINGS);
    }

    @Test
    void aBatchOfTwoOrMoreIsOneSetByDefault() {
        assertThat(Config.fromEnvironment(environment(Map.of())).wholeBatchMinSize()).isEqualTo(2);
    }

    @Test
    void theSwitchIsReadUnderItsName() {
        assertThat(Config.fromEnvironment(environment(Map.of(EnvVars.WHOLE_BATCH_MIN_SIZE, "0"))).wholeBatchMinSize())
                .isZero();
    }

    @Test
    void aDeploymentThatStillSetsTheFormerNameKeepsItsValue() {
        assertThat(Config.fromEnvironment(environment(Map.of(EnvVars.FAST_PATH_MIN_BATCH_SIZE, "0")))
                .wholeBatchMinSize()).isZero();
        assertThat(Config.fromEnvironment(environment(Map.of(EnvVars.FAST_PATH_MIN_BATCH_SIZE, "0",
                EnvVars.WHOLE_BATCH_MIN_SIZE, "5"))).wholeBatchMinSize()).as("the new name wins").isEqualTo(5);
    }

    @Test
    void aBadValueNamesTheVariableItWasReadFrom() {
        assertThatThrownBy(() -> Config.fromEnvironment(environment(Map.of(EnvVars.FAST_PATH_MIN_BATCH_SIZE, "-1"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(EnvVars.FAST_PATH_MIN_BATCH_SIZE + " must be");
        assertThatThrownBy(() -> Config.fromEnvironment(environment(Map.of(EnvVars.WHOLE_BATCH_MIN_SIZE, "x"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(EnvVars.WHOLE_BATCH_MIN_SIZE + " must be");
    }

    @Test
    void aBilledAtMayBeThirtyFiveDaysOldByDefault() {
        assertThat(Config.fromEnvironment(environment(Map.of())).maxBilledAtAge()).isEqualTo(Duration.ofDays(35));
    }

    @Test
    void theOldestBilledAtIsConfiguredInDays() {
        assertThat(Config.fromEnvironment(environment(Map.of(EnvVars.MAX_BILLED_AT_AGE_DAYS, "90"))).maxBilledAtAge())
                .isEqualTo(Duration.ofDays(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "36501", "35d", "1.5"})
    void aBadAgeIsRefusedWithAMessageNamingTheVariable(String value) {
        assertThatThrownBy(() -> Config.fromEnvironment(environment(Map.of(EnvVars.MAX_BILLED_AT_AGE_DAYS, value))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(EnvVars.MAX_BILLED_AT_AGE_DAYS);
    }

    private static Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                EnvVars.DB_URL, "jdbc:postgresql://localhost:5432/gateway",
                EnvVars.DB_USER, "billing",
                EnvVars.DB_AUTH, "password",
                EnvVars.DB_PASSWORD, "secret",
                EnvVars.DB_SSL_MODE, "disable",
                EnvVars.QUOTA_DELTA_QUEUE_URL, "http://localhost:9324/000000000000/quota-deltas"));
        env.putAll(extra);
        return env;
    }
}
