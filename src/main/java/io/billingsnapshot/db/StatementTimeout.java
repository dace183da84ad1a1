package io.billingsnapshot.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.postgresql.jdbc.PgStatement;

/** The time one statement may take, from the time the invocation has left: every statement carries it. */
public final class StatementTimeout {

    private StatementTimeout() {
    }

    /** pgjdbc cancels the statement when it runs longer (a lock wait), failing it with SQLState 57014. */
    public static void set(PreparedStatement ps, Duration timeout) throws SQLException {
        ps.unwrap(PgStatement.class).setQueryTimeoutMs(Math.max(1, timeout.toMillis()));
    }
}
