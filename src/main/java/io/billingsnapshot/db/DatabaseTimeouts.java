package io.billingsnapshot.db;

import java.time.Duration;
import java.util.Objects;

/**
 * Client-side bounds of every wait on the database, all well below the Lambda timeout.
 *
 * @param connect   TCP connect (pgjdbc {@code connectTimeout}); also bounds the TLS-response wait
 *                  and the validation round trip before a connection is reused
 * @param login     the whole connection attempt: TCP, TLS, authentication (pgjdbc {@code loginTimeout})
 * @param socket    longest wait for any answer from the server (pgjdbc {@code socketTimeout})
 * @param statement server-side {@code statement_timeout} sent in the startup packet, or zero to
 *                  send none (RDS Proxy refuses startup options: set it on the role instead)
 */
public record DatabaseTimeouts(Duration connect, Duration login, Duration socket, Duration statement) {

    public static final DatabaseTimeouts DEFAULTS = new DatabaseTimeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ZERO);

    public DatabaseTimeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(statement, "statement");
        if (connect.toSeconds() < 1 || login.toSeconds() < 1 || socket.toSeconds() < 1) {
            throw new IllegalArgumentException("connect, login and socket timeouts must be at least one second");
        }
        if (!statement.isZero() && statement.compareTo(socket) >= 0) {
            // Otherwise the client abandons the connection before the server cancels the statement.
            throw new IllegalArgumentException("the statement timeout must be shorter than the socket timeout");
        }
    }

    public boolean sendsStatementTimeout() {
        return !statement.isZero();
    }
}
