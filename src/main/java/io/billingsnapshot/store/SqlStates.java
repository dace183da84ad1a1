package io.billingsnapshot.store;

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
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String SERIALIZATION_FAILURE = "40001";
    public static final String DEADLOCK_DETECTED = "40P01";
    public static final String QUERY_CANCELED = "57014";
    private static final String CONNECTION_EXCEPTION_CLASS = "08";
    private static final String ADMIN_SHUTDOWN_CLASS = "57P";

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
                String state = sql.getSQLState();
                if (state != null && (state.startsWith(CONNECTION_EXCEPTION_CLASS) || state.startsWith(ADMIN_SHUTDOWN_CLASS))) {
                    return true;
                }
            }
        }
        return false;
    }
}
