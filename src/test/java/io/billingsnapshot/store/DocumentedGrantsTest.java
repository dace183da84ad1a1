package io.billingsnapshot.store;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.Config;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.Wiring;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.rerate.Rerater;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.Granularity;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The database grants the runbook documents, on the real server: a role given exactly the
 * statements of docs/operations.md (and of the README, which must be among them) runs a batch
 * and a re-rate, and can neither change the gateway's tables (their keys, the upstreams'
 * multipliers) nor lock their rows itself. PostgreSQL allows a row lock only with UPDATE
 * privilege on the table; the reconcile read's locks are taken by the function of migration V4.
 */
class DocumentedGrantsTest {

    /** A grant to, or a setting of, the function's role; not the function whose name starts the same. */
    private static final Pattern ROLE_STATEMENT = Pattern.compile(
            "GRANT\\s[^;\"`]*?\\sTO\\s+billing_snapshot\\b(?!_)|ALTER ROLE billing_snapshot SET [^;\\n]+");
    private static final Pattern ROLE = Pattern.compile("\\bbilling_snapshot\\b(?!_)");
    private static final String BILLED_AT = "2026-11-30T11:00:00Z";

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();
    private final String role = "billing_grants_" + HexFormat.of().toHexDigits(new Random().nextInt());
    private final String password = "pw-" + HexFormat.of().toHexDigits(new Random().nextLong());
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void createRoleWithTheDocumentedGrants() throws Exception {
        admin("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        for (String statement : documented("docs/operations.md")) {
            admin(ROLE.matcher(statement).replaceAll(role));
        }
    }

    @AfterEach
    void dropRole() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        admin("DROP OWNED BY " + role);
        admin("DROP ROLE " + role);
    }

    @Test
    void theReadmeGrantsNothingTheRunbookDoesNot() throws Exception {
        List<String> runbook = documented("docs/operations.md");

        assertThat(runbook).anySatisfy(s -> assertThat(s).contains("billing_snapshot_lock_request_logs"))
                .noneSatisfy(s -> assertThat(s).containsPattern("UPDATE\\s*\\("))
                .noneSatisfy(s -> assertThat(s).containsPattern("\\b(request_logs|api_keys|users)\\b"));
        assertThat(runbook).containsAll(documented("README.md"));
    }

    @Test
    void aRoleWithExactlyTheDocumentedGrantsRunsABatchAndARerate() throws Exception {
        Request first = fixture.request();
        Request second = fixture.request();
        Request unpriced = fixture.request();
        Map<String, String> env = fixture.environment();
        env.put("DB_USER", role);
        env.put("DB_PASSWORD", password);
        BillingFunction function = fixture.functions.billing(Granularity.WHOLE_BATCH.environment(env), fixture.sqs.client(),
                () -> fixture.metrics, Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC));
        opened.add(function);

        var inserted = function.handle(event(record("m1", first.body("2026-11-30T10:00:00Z")),
                record("m2", second.body(BILLED_AT)),
                record("m3", unpriced.body(BILLED_AT).replace("\"model\":\"gpt-4o\"", "\"model\":\"unpriced\""))));
        var replaced = function.handle(event(record("m4", first.body(BILLED_AT)), record("m5", second.body(BILLED_AT))));

        assertThat(failedIds(inserted)).isEmpty();
        assertThat(failedIds(replaced)).isEmpty();
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(3);
        assertThat(fixture.drainDeltas()).hasSize(2);
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();

        fixture.db.execute("""
                INSERT INTO billing_model_prices (model, input_price_per_million, output_price_per_million, source)
                VALUES ('unpriced', 1, 1, 'litellm')""");
        Map<String, Object> report = rerate(env).handleRequest(Map.of("from", "2026-11-30T00:00:00Z",
                "to", "2026-12-01T00:00:00Z", "dryRun", false), null);

        assertThat(report).containsEntry("examined", 3L).containsEntry("billedNow", 1L);
        assertThat(fixture.snapshotColumn(unpriced.requestLogId(), "billing_status")).isEqualTo("billed");
        assertThat(fixture.drainDeltas()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "UPDATE api_keys SET id = gen_random_uuid()",
        "UPDATE users SET id = gen_random_uuid()",
        "UPDATE upstreams SET id = gen_random_uuid()",
        "UPDATE request_logs SET id = gen_random_uuid()",
        "UPDATE upstreams SET billing_input_multiplier = 0",
        "UPDATE request_logs SET api_key_id = NULL",
        "DELETE FROM api_keys",
        "SELECT id FROM api_keys FOR KEY SHARE",
        "SELECT id FROM upstreams FOR KEY SHARE",
        "SELECT * FROM request_logs",
    })
    void theRoleCannotChangeTheGatewaysTablesNorLockTheirRowsItself(String sql) throws Exception {
        fixture.request();
        Properties credentials = new Properties();
        credentials.setProperty("user", role);
        credentials.setProperty("password", password);

        try (Connection c = DriverManager.getConnection(fixture.db.url(), credentials); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute(sql)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("insufficient privilege")
                            .isEqualTo("42501"));
        }
    }

    private RerateHandler rerate(Map<String, String> env) {
        Config config = Config.fromEnvironment(env);
        DatabaseConnections connections = new DatabaseConnections(config.database());
        var sqs = fixture.sqs.client();
        opened.add(connections::close);
        opened.add(sqs);
        Clock clock = Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC);
        return new RerateHandler(Wiring.rerater(config, connections, new SqsDeltaPublisher(sqs, fixture.deltaQueueUrl),
                RerateMetrics.emf("BillingSnapshotTest", new PrintStream(OutputStream.nullOutputStream(), true,
                        StandardCharsets.UTF_8), clock), clock, java.util.UUID::randomUUID, Rerater.CHUNK_ROWS), clock);
    }

    /** The role's statements in a document, whitespace normalised, in order. */
    private static List<String> documented(String file) throws Exception {
        List<String> statements = new ArrayList<>();
        Matcher m = ROLE_STATEMENT.matcher(Files.readString(java.nio.file.Path.of(file)));
        while (m.find()) {
            statements.add(m.group().replaceAll("\\s+", " ").replaceAll("\\s*--.*$", "").trim());
        }
        return statements;
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = fixture.db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
