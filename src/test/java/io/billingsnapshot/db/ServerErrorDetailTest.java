package io.billingsnapshot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A driver exception can end up in a log line, so it must not quote row values: the server's
 * DETAIL of a foreign-key violation names the missing key ("Key (api_key_id)=(…)"). The
 * function's connections leave it out; the SQLState and the constraint, which the FK retry
 * needs, stay.
 */
class ServerErrorDetailTest {

    private static final TestDatabase.Db DB = TestDatabase.server().createDatabase();

    @Test
    void aForeignKeyViolationOnTheFunctionsConnectionQuotesNoRowValueButKeepsItsConstraint() throws SQLException {
        DatabaseSettings settings = new DatabaseSettings(DB.url(), DB.user(), DatabaseSettings.AuthMode.PASSWORD,
                DB.password(), null, SslMode.DISABLE, Optional.empty(), DatabaseTimeouts.DEFAULTS);
        UUID missingKey = UUID.randomUUID();
        try (DatabaseConnections connections = new DatabaseConnections(settings)) {
            SQLException e = violateForeignKey(connections.get(), missingKey);

            assertThat(e.getSQLState()).isEqualTo(SqlStates.FOREIGN_KEY_VIOLATION);
            assertThat(SqlStates.violatedForeignKey(e)).contains("request_billing_snapshots_api_key_id_api_keys_id_fk");
            assertThat(e.getMessage()).doesNotContain(missingKey.toString());
        }
    }

    @Test
    void pgjdbcsDefaultQuotesTheRowValueSoTheCheckAboveCanFail() throws SQLException {
        UUID missingKey = UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(DB.url(), DB.user(), DB.password())) {
            c.setAutoCommit(false);
            assertThat(violateForeignKey(c, missingKey).getMessage()).contains(missingKey.toString());
        }
    }

    private static SQLException violateForeignKey(Connection c, UUID missingKey) throws SQLException {
        UUID log = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO request_logs (id) VALUES (?)")) {
            ps.setObject(1, log);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO request_billing_snapshots (request_log_id, api_key_id, billing_status, billed_at, created_at)
                VALUES (?, ?, 'unbilled', now(), now())""")) {
            ps.setObject(1, log);
            ps.setObject(2, missingKey);
            SQLException e = catchThrowableOfType(SQLException.class, ps::executeUpdate);
            c.rollback();
            return e;
        }
    }
}
