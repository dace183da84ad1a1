package io.billingsnapshot.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The one physical connection of this execution environment: opened lazily, reused across
 * invocations, replaced when broken.
 */
public class DatabaseConnections implements AutoCloseable {

    private final DatabaseSettings settings;
    private Connection connection;

    public DatabaseConnections(DatabaseSettings settings) {
        this.settings = settings;
    }

    /** A usable connection in manual-commit mode, opening a new one if there is none or it broke. */
    public synchronized Connection get() throws SQLException {
        if (connection != null && !connection.isValid(2)) {
            discard();
        }
        if (connection == null) {
            Properties props = new Properties();
            props.setProperty("user", settings.user());
            if (settings.password() != null) {
                props.setProperty("password", settings.password());
            }
            props.setProperty("prepareThreshold", "0");
            connection = DriverManager.getConnection(settings.url(), props);
            connection.setAutoCommit(false);
        }
        return connection;
    }

    /** Drops the current connection (after a connection-level error); the next get() reconnects. */
    public synchronized void discard() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        discard();
    }
}
