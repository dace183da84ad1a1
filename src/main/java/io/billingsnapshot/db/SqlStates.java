package io.billingsnapshot.db;

import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The PostgreSQL SQLStates this service acts on, named in one place, and how to find them
 * through any wrapping: a cause chain or {@link SQLException#getNextException()} (batch
 * statements report the server error there).
 */
public final class SqlStates {

    public static final String FOREIGN_KEY_VIOLATION = "23503";
    /** Class 08, connection exception (pgjdbc's I/O errors are 08006, refused connects 08001). */
    private static final String CONNECTION_EXCEPTION_CLASS = "08";
    /** Terminated by an administrator (pg_terminate_backend, shutdown), crash shutdown, cannot connect now. */
    private static final String ADMIN_SHUTDOWN = "57P01";
    private static final String CRASH_SHUTDOWN = "57P02";
    private static final String CANNOT_CONNECT_NOW = "57P03";

    private SqlStates() {
    }

    /** The server's error of the given SQLState, wherever it sits in the chain. */
    public static Optional<ServerErrorMessage> find(Throwable error, String sqlState) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (sqlState.equals(e.getSQLState()) && e instanceof PSQLException psql
                            && psql.getServerErrorMessage() != null) {
                        return Optional.of(psql.getServerErrorMessage());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The constraint named by a foreign-key violation (the server's constraint field, never the detail text). */
    public static Optional<String> violatedForeignKey(Throwable error) {
        return find(error, FOREIGN_KEY_VIOLATION).map(ServerErrorMessage::getConstraint);
    }

    /** True when the connection itself is gone or unusable: the next attempt needs a new one. */
    public static boolean isConnectionError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (isConnectionFailure(e.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static boolean isConnectionFailure(String sqlState) {
        return sqlState != null && (sqlState.startsWith(CONNECTION_EXCEPTION_CLASS)
                || sqlState.equals(ADMIN_SHUTDOWN)
                || sqlState.equals(CRASH_SHUTDOWN)
                || sqlState.equals(CANNOT_CONNECT_NOW));
    }
}
