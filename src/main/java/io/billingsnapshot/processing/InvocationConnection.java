package io.billingsnapshot.processing;

import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The invocation's use of the execution environment's connection: taken on first need, dropped
 * when lost (the next use reconnects), and after one failed connect never tried again in this
 * invocation, so an unreachable database costs one connect timeout, not one per set.
 */
final class InvocationConnection {

    private static final JsonLog LOG = JsonLog.get(InvocationConnection.class);

    private final DatabaseConnections connections;
    private Optional<Connection> connection = Optional.empty();
    private boolean unavailable;

    InvocationConnection(DatabaseConnections connections) {
        this.connections = connections;
    }

    /** The connection; empty when the database cannot be reached. */
    Optional<Connection> get() {
        if (connection.isEmpty() && !unavailable) {
            try {
                connection = Optional.of(connections.get());
            } catch (SQLException | RuntimeException e) {
                LOG.error(LogEvent.DATABASE_UNAVAILABLE, e);
                connections.discard();
                unavailable = true;
            }
        }
        return connection;
    }

    /** Ends the current transaction; a connection that cannot even roll back is dropped. */
    void rollback() {
        connection.ifPresent(c -> {
            try {
                c.rollback();
            } catch (SQLException e) {
                lost();
            }
        });
    }

    /** The connection broke: the next use takes a fresh one. */
    void lost() {
        connections.discard();
        connection = Optional.empty();
    }
}
