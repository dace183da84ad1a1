package io.billingsnapshot.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests and local runs, started once per JVM from the first source that
 * applies ({@link TestDatabaseSource}): the server named by {@code TEST_DB_URL}, else
 * {@code postgres:17} in Docker through Testcontainers when a Docker engine answers and has or can
 * pull its images (asked only when a Docker endpoint is configured or its socket exists), else an
 * embedded PostgreSQL 17, which also replaces a container that did not start. The choice and its
 * reason are printed once. Each {@link #createDatabase()} returns a fresh database cloned from a
 * template holding the gateway schema and our migrations, so test classes never see each other's rows.
 */
public final class TestDatabase {

    public static final String GATEWAY_SCHEMA = "/gateway-schema.sql";
    /** The service's own migrations, in version order, as production applies them (docs/operations.md). */
    public static final List<String> MIGRATIONS = List.of(
            "/db/migration/V1__quota_delta_outbox.sql",
            "/db/migration/V2__outbox_quarantine.sql",
            "/db/migration/V3__outbox_bounded_sweep.sql",
            "/db/migration/V4__lock_request_logs.sql");

    /** The server settings of both the container and the embedded server: durability off, room for soak tests. */
    private static final Map<String, String> SERVER_SETTINGS = Map.of(
            "max_connections", "300", "fsync", "off", "synchronous_commit", "off", "full_page_writes", "off");
    private static final String TEMPLATE = "billing_snapshot_template";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static TestDatabase instance;

    private final TestDatabaseSource source;
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String urlPrefix;

    private TestDatabase(TestDatabaseSource source, String adminUrl, String user, String password) {
        this.source = source;
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.urlPrefix = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
    }

    /** The shared server of this JVM, started (and given its template database) on first use. */
    public static synchronized TestDatabase server() {
        if (instance == null) {
            long started = System.nanoTime();
            TestDatabaseSource.Choice choice =
                    TestDatabaseSource.choose(System.getenv(), DockerEndpoint::ofThisMachine, DockerReadiness::ofThisMachine);
            try {
                instance = start(choice.source());
            } catch (RuntimeException e) {
                if (choice.source() != TestDatabaseSource.TESTCONTAINERS) {
                    throw e;
                }
                choice = TestDatabaseSource.containerFailed(choice, e);
                instance = start(choice.source());
            }
            instance.createTemplate();
            System.out.printf(Locale.ROOT, "Test database: %s, ready in %.1f s: %s%n", instance.description(),
                    (System.nanoTime() - started) / 1e9, choice.reason());
        }
        return instance;
    }

    private static TestDatabase start(TestDatabaseSource source) {
        return switch (source) {
            case TEST_DB_URL -> new TestDatabase(source, System.getenv(TestDatabaseSource.URL_VARIABLE),
                    envOr("TEST_DB_USER", "postgres"), envOr("TEST_DB_PASSWORD", "postgres"));
            case TESTCONTAINERS -> startContainer();
            case EMBEDDED -> startEmbedded();
        };
    }

    private static TestDatabase startContainer() {
        List<String> command = new ArrayList<>(List.of("postgres"));
        SERVER_SETTINGS.forEach((name, value) -> command.addAll(List.of("-c", name + "=" + value)));
        PostgreSQLContainer container =
                new PostgreSQLContainer(DockerReadiness.POSTGRES).withCommand(command.toArray(String[]::new));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        String url = "jdbc:postgresql://" + container.getHost() + ":"
                + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/postgres";
        return new TestDatabase(TestDatabaseSource.TESTCONTAINERS, url, container.getUsername(), container.getPassword());
    }

    private static TestDatabase startEmbedded() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            SERVER_SETTINGS.forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting anyway
                }
            }));
            return new TestDatabase(TestDatabaseSource.EMBEDDED, pg.getJdbcUrl("postgres", "postgres"),
                    "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Where the server came from. */
    public TestDatabaseSource source() {
        return source;
    }

    /** The server's {@code SHOW server_version}, e.g. {@code 17.11}. */
    public String serverVersion() {
        try (Connection c = DriverManager.getConnection(adminUrl, props(user, password));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server version: " + e.getMessage(), e);
        }
    }

    /** The server and how it runs, e.g. {@code PostgreSQL 17.11 (embedded, fsync off)}. */
    public String description() {
        return "PostgreSQL " + serverVersion() + " (" + source.label() + ")";
    }

    /** A new, empty database with the gateway schema and our migrations applied. */
    public Db createDatabase() {
        String name = "billing_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        execute(adminUrl, "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        return new Db(urlPrefix + name, user, password);
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
