package io.billingsnapshot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseSettingsTest {

    private static final String PROXY_URL = "jdbc:postgresql://billing.proxy-c0ffee.eu-west-1.rds.amazonaws.com/billing";
    /** Lambda's own upper limit: every client-side wait must end well before it. */
    private static final Duration LAMBDA_MAX_TIMEOUT = Duration.ofMinutes(15);

    @TempDir
    static Path dir;

    @Test
    void defaultsToIamVerifyFullThroughTheJvmTrustStoreAndBoundedTimeouts() {
        DatabaseSettings settings = settings(Map.of("DB_URL", PROXY_URL, "DB_USER", "billing", "AWS_REGION", "eu-west-1"));

        assertThat(settings.auth()).isEqualTo(DatabaseSettings.AuthMode.IAM);
        assertThat(settings.password()).isNull();
        assertThat(settings.region()).isEqualTo("eu-west-1");
        assertThat(settings.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(settings.sslRootCert()).isEmpty();
        assertThat(settings.timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.timeouts().login()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.timeouts().socket()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.timeouts().statement()).as("not sent: RDS Proxy refuses startup options").isZero();
        assertThat(settings.endpoint()).isEqualTo(new JdbcEndpoint(
                "billing.proxy-c0ffee.eu-west-1.rds.amazonaws.com", 5432, "billing"));
    }

    @Test
    void readsEveryDatabaseVariable() throws Exception {
        Path root = writeRoot(dir);
        DatabaseSettings settings = settings(Map.of(
                "DB_URL", "jdbc:postgresql://localhost:6543/billing",
                "DB_USER", "local",
                "DB_AUTH", "password",
                "DB_PASSWORD", "secret",
                "DB_SSL_MODE", "verify-ca",
                "DB_SSL_ROOT_CERT", root.toString(),
                "DB_CONNECT_TIMEOUT_SECONDS", "2",
                "DB_LOGIN_TIMEOUT_SECONDS", "4",
                "DB_SOCKET_TIMEOUT_SECONDS", "30",
                "DB_STATEMENT_TIMEOUT_SECONDS", "25"));

        assertThat(settings.auth()).isEqualTo(DatabaseSettings.AuthMode.PASSWORD);
        assertThat(settings.password()).isEqualTo("secret");
        assertThat(settings.sslMode()).isEqualTo(SslMode.VERIFY_CA);
        assertThat(settings.sslRootCert()).contains(root.toAbsolutePath());
        assertThat(settings.timeouts()).isEqualTo(new DatabaseTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(30), Duration.ofSeconds(25)));
        assertThat(settings.endpoint()).isEqualTo(new JdbcEndpoint("localhost", 6543, "billing"));
    }

    @Test
    void keepsEveryClientTimeoutWellBelowTheLambdaTimeoutEvenAtTheMaximumValues() {
        DatabaseSettings settings = settings(Map.of("DB_URL", PROXY_URL, "DB_USER", "billing", "AWS_REGION", "eu-west-1",
                "DB_CONNECT_TIMEOUT_SECONDS", "60", "DB_LOGIN_TIMEOUT_SECONDS", "120",
                "DB_SOCKET_TIMEOUT_SECONDS", "600", "DB_STATEMENT_TIMEOUT_SECONDS", "599"));

        DatabaseTimeouts t = settings.timeouts();
        assertThat(t.connect().plus(t.login()).plus(t.socket())).isLessThan(LAMBDA_MAX_TIMEOUT);
        assertThat(t.statement()).isLessThan(t.socket());
    }

    @Test
    void neverPrintsThePassword() {
        DatabaseSettings settings = settings(Map.of("DB_URL", PROXY_URL, "DB_USER", "billing",
                "DB_AUTH", "password", "DB_PASSWORD", "hunter2-very-secret", "DB_SSL_MODE", "disable"));

        assertThat(settings.toString()).doesNotContain("hunter2-very-secret").contains("PASSWORD");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urlsHoldingASecret")
    void aRefusedUrlIsNeverRepeatedSoAPasswordInItStaysOutOfTheInitError(String why, String variable, String url) {
        Map<String, String> env = new HashMap<>(Map.of("DB_URL", PROXY_URL, "DB_USER", "billing",
                "AWS_REGION", "eu-west-1", "QUOTA_DELTA_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/1/q"));
        env.put(variable, url);

        assertThatThrownBy(() -> io.billingsnapshot.Config.fromEnvironment(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(variable)
                .hasMessageNotContaining("hunter2");
    }

    static Stream<Arguments> urlsHoldingASecret() {
        return Stream.of(
                Arguments.of("user info", "DB_URL", "jdbc:postgresql://billing:hunter2@host:5432/db"),
                Arguments.of("password parameter", "DB_URL", "jdbc:postgresql://host:5432/db?password=hunter2"),
                Arguments.of("not a URL at all", "DB_URL", "postgres://billing:hunter2@host/db"),
                Arguments.of("unparsable", "DB_URL", "jdbc:postgresql://ho st/db?password=hunter2"),
                Arguments.of("queue URL with credentials", "QUOTA_DELTA_QUEUE_URL", "ftp://u:hunter2@sqs/q"),
                Arguments.of("endpoint URL with credentials", "SQS_ENDPOINT_URL", "sqs://u:hunter2@localhost"));
    }

    @Test
    void theShortConstructorVerifiesTlsFullyWithTheDefaultTimeouts() {
        DatabaseSettings settings = new DatabaseSettings(PROXY_URL, "billing", DatabaseSettings.AuthMode.IAM, null,
                "eu-west-1");

        assertThat(settings.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(settings.timeouts()).isEqualTo(DatabaseTimeouts.DEFAULTS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEnvironments")
    void refusesABadValueWithAMessageNamingTheVariable(String why, Map<String, String> overrides, String variable) {
        Map<String, String> env = new HashMap<>(Map.of("DB_URL", PROXY_URL, "DB_USER", "billing", "AWS_REGION", "eu-west-1"));
        overrides.forEach((name, value) -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });

        assertThatThrownBy(() -> settings(env)).isInstanceOf(ConfigException.class).hasMessageContaining(variable);
    }

    static Stream<Arguments> badEnvironments() throws Exception {
        Path notACertificate = Files.writeString(Files.createTempFile("not-a-cert", ".pem"), "hello");
        notACertificate.toFile().deleteOnExit();
        Path root = writeRoot(Files.createTempDirectory("root"));
        return Stream.of(
                bad("missing URL", nulled("DB_URL"), "DB_URL"),
                bad("not PostgreSQL", Map.of("DB_URL", "jdbc:mysql://h/db"), "DB_URL"),
                bad("URL parameters would override ours", Map.of("DB_URL", PROXY_URL + "?sslmode=disable"), "DB_URL"),
                bad("two hosts", Map.of("DB_URL", "jdbc:postgresql://a:5432,b:5432/db"), "DB_URL"),
                bad("no database", Map.of("DB_URL", "jdbc:postgresql://host:5432/"), "DB_URL"),
                bad("credentials in the URL", Map.of("DB_URL", "jdbc:postgresql://u:p@host/db"), "DB_URL"),
                bad("missing user", nulled("DB_USER"), "DB_USER"),
                bad("unknown auth", Map.of("DB_AUTH", "kerberos"), "DB_AUTH"),
                bad("IAM without region", nulled("AWS_REGION"), "AWS_REGION"),
                bad("IAM with a malformed region", Map.of("AWS_REGION", "Ireland"), "AWS_REGION"),
                bad("a password next to IAM", Map.of("DB_PASSWORD", "secret"), "DB_PASSWORD"),
                bad("password auth without password", Map.of("DB_AUTH", "password"), "DB_PASSWORD"),
                bad("IAM over require", Map.of("DB_SSL_MODE", "require"), "DB_SSL_MODE"),
                bad("IAM over verify-ca", Map.of("DB_SSL_MODE", "verify-ca"), "DB_SSL_MODE"),
                bad("IAM over plain text", Map.of("DB_SSL_MODE", "disable"), "DB_SSL_MODE"),
                bad("prefer falls back to plain text", Map.of("DB_SSL_MODE", "prefer"), "DB_SSL_MODE"),
                bad("allow falls back to plain text", Map.of("DB_SSL_MODE", "allow"), "DB_SSL_MODE"),
                bad("root file missing", Map.of("DB_SSL_ROOT_CERT", "/nonexistent/root.pem"), "DB_SSL_ROOT_CERT"),
                bad("root file not a certificate", Map.of("DB_SSL_ROOT_CERT", notACertificate.toString()),
                        "DB_SSL_ROOT_CERT"),
                bad("root file that require would ignore",
                        Map.of("DB_SSL_MODE", "require", "DB_SSL_ROOT_CERT", root.toString()), "DB_SSL_ROOT_CERT"),
                bad("zero connect timeout", Map.of("DB_CONNECT_TIMEOUT_SECONDS", "0"), "DB_CONNECT_TIMEOUT_SECONDS"),
                bad("non-numeric login timeout", Map.of("DB_LOGIN_TIMEOUT_SECONDS", "ten"), "DB_LOGIN_TIMEOUT_SECONDS"),
                bad("socket timeout beyond Lambda", Map.of("DB_SOCKET_TIMEOUT_SECONDS", "901"), "DB_SOCKET_TIMEOUT_SECONDS"),
                bad("statement timeout not below socket timeout",
                        Map.of("DB_SOCKET_TIMEOUT_SECONDS", "10", "DB_STATEMENT_TIMEOUT_SECONDS", "10"),
                        "DB_STATEMENT_TIMEOUT_SECONDS"));
    }

    private static Arguments bad(String why, Map<String, String> overrides, String variable) {
        return Arguments.of(why, overrides, variable);
    }

    private static Map<String, String> nulled(String name) {
        Map<String, String> map = new HashMap<>();
        map.put(name, null);
        return map;
    }

    private static DatabaseSettings settings(Map<String, String> env) {
        return DatabaseSettings.fromEnvironment(new Env(env));
    }

    /** A real root certificate file (no server needed). */
    private static Path writeRoot(Path directory) throws Exception {
        return TestCertificates.authority("settings test root").writeCertificate(directory.resolve("root.pem"));
    }
}
