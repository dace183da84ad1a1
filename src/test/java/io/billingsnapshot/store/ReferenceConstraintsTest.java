package io.billingsnapshot.store;

import io.billingsnapshot.db.SqlStates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FK violation is recognised from the real server error, however it is wrapped: directly,
 * as a cause, and as the next exception of a batch statement (where pgjdbc puts it).
 */
class ReferenceConstraintsTest {

    private static TestDatabase.Db db;
    private static UUID requestLogId;

    @BeforeAll
    static void setUp() {
        db = TestDatabase.server().createDatabase();
        requestLogId = UUID.randomUUID();
        db.execute("INSERT INTO request_logs (id) VALUES (?)", requestLogId);
    }

    @Test
    void findsTheColumnOfAnApiKeyViolationThrownDirectly() {
        SQLException error = insertSnapshot("api_key_id", UUID.randomUUID());

        assertThat(error.getSQLState()).isEqualTo(SqlStates.FOREIGN_KEY_VIOLATION);
        assertThat(ReferenceConstraints.nullableColumnViolated(error)).contains(ReferenceColumn.API_KEY);
    }

    @Test
    void findsTheColumnThroughACauseChain() {
        RuntimeException wrapped = new RuntimeException("repository failed",
                new IllegalStateException("query failed", insertSnapshot("upstream_id", UUID.randomUUID())));

        assertThat(ReferenceConstraints.nullableColumnViolated(wrapped)).contains(ReferenceColumn.UPSTREAM);
    }

    @Test
    void findsTheColumnInTheNextExceptionOfABatch() throws SQLException {
        BatchUpdateException batch;
        try (Connection c = db.connect(); var ps = c.prepareStatement("""
                INSERT INTO request_billing_snapshots (request_log_id, user_id, billing_status, billed_at, created_at)
                VALUES (?, ?, 'billed', now(), now())""")) {
            ps.setObject(1, requestLogId);
            ps.setObject(2, UUID.randomUUID());
            ps.addBatch();
            batch = catchThrowableOfType(BatchUpdateException.class, ps::executeBatch);
        }

        assertThat((Throwable) batch.getNextException()).isNotNull();
        assertThat(ReferenceConstraints.nullableColumnViolated(batch)).contains(ReferenceColumn.USER);
    }

    @Test
    void ignoresTheRequestLogConstraint() {
        SQLException error = insertSnapshotFor(UUID.randomUUID(), "api_key_id", null);

        assertThat(SqlStates.violatedForeignKey(error))
                .contains("request_billing_snapshots_request_log_id_request_logs_id_fk");
        assertThat(ReferenceConstraints.nullableColumnViolated(error)).isEmpty();
    }

    @Test
    void ignoresOtherSqlStates() throws SQLException {
        SQLException error;
        try (Connection c = db.connect(); var s = c.createStatement()) {
            error = catchThrowableOfType(SQLException.class, () -> s.execute("SELECT 1/0"));
        }

        assertThat(ReferenceConstraints.nullableColumnViolated(error)).isEmpty();
    }

    private SQLException insertSnapshot(String column, UUID missingParent) {
        return insertSnapshotFor(requestLogId, column, missingParent);
    }

    private SQLException insertSnapshotFor(UUID logId, String column, UUID parent) {
        return catchThrowableOfType(SQLException.class, () -> {
            try (Connection c = db.connect(); var ps = c.prepareStatement(
                    "INSERT INTO request_billing_snapshots (request_log_id, " + column
                            + ", billing_status, billed_at, created_at) VALUES (?, ?, 'billed', now(), now())")) {
                ps.setObject(1, logId);
                ps.setObject(2, parent);
                ps.executeUpdate();
            }
        });
    }
}
