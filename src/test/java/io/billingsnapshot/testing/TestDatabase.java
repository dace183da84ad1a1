package io.billingsnapshot.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests and local runs: the server named by {@code TEST_DB_URL}
 * (with {@code TEST_DB_USER}, {@code TEST_DB_PASSWORD}) when set, else an embedded
 * PostgreSQL started once per JVM. Each {@link #createDatabase()} returns a fresh
 * database cloned from a template holding the gateway schema and our migrations, so test
 * classes never see each other's rows.
 */
public final class TestDatabase {

    public static final String GATEWAY_SCHEMA = "/gateway-schema.sql";
    /** The service's own migrations, in version order, as production applies them (docs/operations.md). */
    public static final List<String> MIGRATIONS = List.of(
            "/db/migration/V1__quota_delta_outbox.sql",
            "/db/migration/V2__outbox_quarantine.sql");

    private static final String TEMPLATE = "billing_snapshot_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static TestDatabase instance;

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String urlPrefix;
    private final EmbeddedPostgres embedded;

    private TestDatabase(String adminUrl, String user, String password, EmbeddedPostgres embedded) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.urlPrefix = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
        this.embedded = embedded;
    }

    /** The shared server of this JVM, started (and given its template database) on first use. */
    public static synchronized TestDatabase server() {
        if (instance == null) {
            instance = start();
            instance.createTemplate();
        }
        return instance;
    }

    private static TestDatabase start() {
        String url = System.getenv("TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return new TestDatabase(url, envOr("TEST_DB_USER", "postgres"),
                    envOr("TEST_DB_PASSWORD", "postgres"), null);
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting anyway
                }
            }));
            return new TestDatabase(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A new, empty database with the gateway schema and our migrations applied. */
    public Db createDatabase() {
        String name = "billing_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute(adminUrl, "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        return new Db(urlPrefix + name, user, password);
    }

    /** The embedded server, or null when running against {@code TEST_DB_URL}. */
    public EmbeddedPostgres embedded() {
        return embedded;
    }

    private void createTemplate() {
        execute(adminUrl, "DROP DATABASE IF EXISTS " + TEMPLATE);
        execute(adminUrl, "CREATE DATABASE " + TEMPLATE);
        String url = urlPrefix + TEMPLATE;
        execute(url, resource(GATEWAY_SCHEMA));
        MIGRATIONS.forEach(migration -> execute(url, resource(migration)));
    }

    private void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, props(user, password));
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run setup SQL on " + url + ": " + e.getMessage(), e);
        }
    }

    static Properties props(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return p;
    }

    public static String resource(String path) {
        try (InputStream in = TestDatabase.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One test database: its JDBC URL and credentials. */
    public record Db(String url, String user, String password) {

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, props(user, password));
        }

        /** Runs SQL in autocommit; for test setup and assertions. */
        public void execute(String sql, Object... params) {
            try (Connection c = connect(); var ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                ps.execute();
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
