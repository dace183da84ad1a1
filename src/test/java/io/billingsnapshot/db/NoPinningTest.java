package io.billingsnapshot.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.config.Env;
import io.billingsnapshot.testing.RecordingCheckpointContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * What RDS Proxy would pin on, read from the server's own statement log (log_statement=all,
 * one line per statement with the backend's pid): never from our code.
 */
class NoPinningTest {

    /** "execute <unnamed>: ..." is a one-shot statement; any other name is a server-side prepared one. */
    private static final Pattern EXECUTE = Pattern.compile("LOG:\\s+execute ([^:]+):\\s*(.*)");
    private static final Pattern SIMPLE = Pattern.compile("LOG:\\s+statement:\\s*(.*)");
    private static final Pattern SESSION_STATE = Pattern.compile(
            "(?is)\\s*(SET|RESET|PREPARE|DEALLOCATE|DISCARD|LISTEN|DECLARE|CREATE\\s+TEMP|LOAD)\\b.*"
                    + "|(?is).*\\b(pg_advisory_lock|set_config)\\b.*");
    private static final AtomicInteger IDS = new AtomicInteger();

    private static final TlsTestPostgres server = TlsTestPostgres.get();

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection admin = server.admin(); Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS pinning_probe (id int PRIMARY KEY, note text NOT NULL)");
        }
    }

    @Test
    void aSessionOfDatabaseConnectionsIssuesNoSetAndNoNamedPreparedStatement() throws Exception {
        String marker = "end-" + UUID.randomUUID();
        int backendPid;
        try (DatabaseConnections connections = connections(server.verifiedSettings())) {
            for (int batch = 0; batch < 3; batch++) {
                runBatch(connections.get());
            }
            Connection connection = connections.get();
            backendPid = connection.unwrap(PGConnection.class).getBackendPID();
            runMarker(connection, marker);
        }

        List<String> log = server.loggedLinesOf(backendPid, marker);

        assertThat(statements(log)).as("the log holds the workload").anyMatch(s -> s.startsWith("INSERT INTO pinning_probe"));
        assertThat(statements(log)).as("session state in\n%s", String.join("\n", log))
                .noneMatch(s -> SESSION_STATE.matcher(s).matches());
        assertThat(namedStatements(log)).as("named prepared statements in\n%s", String.join("\n", log)).isEmpty();
    }

    @Test
    void theStatementLogShowsTheSetAndTheNamedStatementsOfAPgjdbcSessionWithDefaultSettings() throws Exception {
        // The counterpart of the test above: the same workload on pgjdbc's defaults pins, and the
        // log shows it, so the absence above is not blindness.
        String marker = "end-" + UUID.randomUUID();
        int backendPid;
        Properties defaults = new Properties();
        defaults.setProperty("user", TlsTestPostgres.USER);
        defaults.setProperty("password", TlsTestPostgres.PASSWORD);
        try (Connection connection = java.sql.DriverManager.getConnection(server.url("localhost"), defaults)) {
            connection.setAutoCommit(false);
            backendPid = connection.unwrap(PGConnection.class).getBackendPID();
            runBatch(connection);
            runMarker(connection, marker);
        }

        List<String> log = server.loggedLinesOf(backendPid, marker);

        assertThat(statements(log)).anyMatch(s -> SESSION_STATE.matcher(s).matches());
        assertThat(namedStatements(log)).isNotEmpty();
    }

    @Test
    void sendsTheStatementTimeoutAndApplicationNameInTheStartupPacketNotAsSet() throws Exception {
        Map<String, String> env = server.environment("localhost", "verify-full", server.rootCertificate());
        env.put("DB_STATEMENT_TIMEOUT_SECONDS", "7");
        String marker = "end-" + UUID.randomUUID();
        String statementTimeout;
        String applicationName;
        int backendPid;
        try (DatabaseConnections connections = connections(DatabaseSettings.fromEnvironment(new Env(env)))) {
            Connection connection = connections.get();
            backendPid = connection.unwrap(PGConnection.class).getBackendPID();
            statementTimeout = scalar(connection, "SHOW statement_timeout");
            applicationName = scalar(connection, "SHOW application_name");
            runMarker(connection, marker);
        }

        List<String> log = server.loggedLinesOf(backendPid, marker);

        assertThat(statementTimeout).isEqualTo("7s");
        assertThat(applicationName).isEqualTo(ConnectionProperties.APPLICATION_NAME);
        assertThat(statements(log)).as(String.join("\n", log)).noneMatch(s -> SESSION_STATE.matcher(s).matches());
    }

    /** Like a batch of the function: reads, upserts, a JDBC batch, a commit; each statement 6 times. */
    private static void runBatch(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO pinning_probe (id, note) VALUES (?, ?)
                ON CONFLICT (id) DO UPDATE SET note = excluded.note
                """);
                PreparedStatement lock = connection.prepareStatement(
                        "SELECT note FROM pinning_probe WHERE id = ? FOR UPDATE")) {
            for (int i = 0; i < 6; i++) { // beyond pgjdbc's default prepareThreshold of 5
                int id = IDS.incrementAndGet();
                insert.setInt(1, id);
                insert.setString(2, "row " + id);
                insert.executeUpdate();
                lock.setInt(1, id);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                }
            }
            for (int i = 0; i < 3; i++) {
                int id = IDS.incrementAndGet();
                insert.setInt(1, id);
                insert.setString(2, "batched " + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        connection.commit();
    }

    private static void runMarker(Connection connection, String marker) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT ?::text")) {
            s.setString(1, marker);
            s.executeQuery().close();
        }
        connection.commit();
    }

    private static String scalar(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> statements(List<String> log) {
        return log.stream().map(NoPinningTest::statementText).filter(s -> s != null).collect(Collectors.toList());
    }

    private static String statementText(String line) {
        Matcher execute = EXECUTE.matcher(line);
        if (execute.find()) {
            return execute.group(2);
        }
        Matcher simple = SIMPLE.matcher(line);
        return simple.find() ? simple.group(1) : null;
    }

    private static List<String> namedStatements(List<String> log) {
        return log.stream()
                .map(EXECUTE::matcher)
                .filter(Matcher::find)
                .filter(m -> !m.group(1).equals("<unnamed>"))
                .map(Matcher::group)
                .collect(Collectors.toList());
    }

    private static DatabaseConnections connections(DatabaseSettings settings) {
        return new DatabaseConnections(settings, () -> TlsTestPostgres.PASSWORD, new RecordingCheckpointContext());
    }
}
