package io.billingsnapshot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.billingsnapshot.testing.RecordingCheckpointContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

class DatabaseConnectionsTest {

    private static final TlsTestPostgres server = TlsTestPostgres.get();

    /** Stands in for IAM: a distinct password per call, so every new connection shows as a new token. */
    private final List<String> issuedTokens = new ArrayList<>();
    private final RecordingCheckpointContext checkpoints = new RecordingCheckpointContext();
    private DatabaseConnections connections;

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection admin = server.admin(); Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS lifecycle_probe (id int PRIMARY KEY)");
        }
    }

    @BeforeEach
    void openConnections() {
        connections = new DatabaseConnections(server.verifiedSettings(), () -> {
            String token = "token-" + (issuedTokens.size() + 1);
            issuedTokens.add(token);
            return token;
        }, checkpoints);
    }

    @AfterEach
    void closeConnections() {
        connections.close();
    }

    @Test
    void opensLazilyInManualCommitModeAndReusesTheConnectionWithoutLeavingATransactionOpen() throws Exception {
        assertThat(issuedTokens).as("nothing opened before the first get()").isEmpty();

        Connection first = connections.get();
        Connection second = connections.get();

        assertThat(second).isSameAs(first);
        assertThat(first.getAutoCommit()).isFalse();
        assertThat(issuedTokens).hasSize(1);
        assertThat(sessionState(backendPid(first))).as("the validation round trip opens no transaction").isEqualTo("idle");
    }

    @Test
    void replacesAConnectionTheServerTerminatedWithANewOneOpenedWithAFreshToken() throws Exception {
        int firstPid = backendPid(connections.get());
        terminate(firstPid);

        Connection replacement = connections.get();

        assertThat(backendPid(replacement)).isNotEqualTo(firstPid);
        assertThat(selectOne(replacement)).isEqualTo(1);
        assertThat(issuedTokens).containsExactly("token-1", "token-2");
    }

    @Test
    void recognisesTheErrorOfATerminatedConnectionAsAConnectionFailureAndReconnectsAfterDiscard() throws Exception {
        Connection first = connections.get();
        terminate(backendPid(first));

        Throwable error = catchThrowable(() -> selectOne(first));
        connections.discard();
        Connection replacement = connections.get();

        assertThat(error).isInstanceOf(SQLException.class);
        assertThat(SqlStates.isConnectionError((SQLException) error)).as(String.valueOf(error)).isTrue();
        assertThat(first.isClosed()).isTrue();
        assertThat(selectOne(replacement)).isEqualTo(1);
    }

    @Test
    void doesNotTakeAnErrorOfOneStatementForAConnectionFailure() throws Exception {
        Connection connection = connections.get();

        Throwable error = catchThrowable(() -> {
            try (Statement s = connection.createStatement()) {
                s.executeQuery("SELECT 1 / 0");
            }
        });
        connection.rollback();

        assertThat(error).isInstanceOf(SQLException.class);
        assertThat(((SQLException) error).getSQLState()).isEqualTo("22012");
        assertThat(SqlStates.isConnectionError((SQLException) error)).isFalse();
        assertThat(connections.get()).isSameAs(connection);
    }

    @Test
    void rollsBackATransactionThatACallerLeftOpenBeforeHandingTheConnectionOutAgain() throws Exception {
        Connection connection = connections.get();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lifecycle_probe (id) VALUES (?)")) {
            insert.setInt(1, 42);
            insert.executeUpdate();
        }

        Connection again = connections.get();

        assertThat(again).isSameAs(connection);
        assertThat(sessionState(backendPid(again))).isEqualTo("idle");
        assertThat(rowsWithId(42)).as("the uncommitted row is gone").isZero();
    }

    @Test
    void handsTheConnectionOutInManualCommitModeEvenAfterACallerSwitchedItToAutoCommit() throws Exception {
        connections.get().setAutoCommit(true);

        Connection again = connections.get();

        assertThat(again.getAutoCommit()).isFalse();
    }

    @Test
    void closesTheConnectionWhenTheCheckpointHookRunsAndOpensANewOneOnTheNextGet() throws Exception {
        Connection beforeSnapshot = connections.get();
        int pid = backendPid(beforeSnapshot);

        connections.beforeCheckpoint(null);

        assertThat(beforeSnapshot.isClosed()).isTrue();
        awaitGone(pid);
        connections.afterRestore(null);
        assertThat(issuedTokens).as("nothing reopened until asked").hasSize(1);
        Connection afterRestore = connections.get();
        assertThat(afterRestore).isNotSameAs(beforeSnapshot);
        assertThat(selectOne(afterRestore)).isEqualTo(1);
        assertThat(issuedTokens).containsExactly("token-1", "token-2");
    }

    @Test
    void registersItselfSoThatTheCheckpointOfTheRuntimeClosesTheConnection() throws Exception {
        Connection beforeSnapshot = connections.get();

        checkpoints.beforeCheckpoint(null);

        assertThat(checkpoints.registered()).containsExactly(connections);
        assertThat(beforeSnapshot.isClosed()).isTrue();
    }

    private static int backendPid(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getBackendPID();
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            int one = rs.getInt(1);
            connection.commit();
            return one;
        }
    }

    private static void terminate(int pid) throws Exception {
        try (Connection admin = server.admin();
                PreparedStatement s = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            s.setInt(1, pid);
            s.execute();
        }
        awaitGone(pid);
    }

    private static void awaitGone(int pid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sessionState(pid) != null) {
            assertThat(System.nanoTime()).as("backend %d still there", pid).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String sessionState(int pid) throws SQLException {
        try (Connection admin = server.admin();
                PreparedStatement s = admin.prepareStatement("SELECT state FROM pg_stat_activity WHERE pid = ?")) {
            s.setInt(1, pid);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static int rowsWithId(int id) throws SQLException {
        try (Connection admin = server.admin();
                PreparedStatement s = admin.prepareStatement("SELECT count(*) FROM lifecycle_probe WHERE id = ?")) {
            s.setInt(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
