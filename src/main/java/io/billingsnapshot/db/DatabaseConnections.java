package io.billingsnapshot.db;

import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The one physical connection of this execution environment: opened lazily, reused across
 * invocations, validated with one round trip before reuse, and replaced (with a new IAM token)
 * when it broke. Use it from one thread at a time; call {@link #get()} once per batch.
 *
 * <p>No wait outlives the invocation: {@link #boundFor} aborts the connection (closes its
 * socket, which ends any read in progress with a connection error) when the invocation's time
 * for database calls is up, and shortens the login of a new connection to the time left.
 *
 * <p>It is also a CRaC resource: before a SnapStart snapshot the connection is closed (a
 * socket cannot survive a restore), and after restore the next {@link #get()} reopens it.
 */
public class DatabaseConnections implements AutoCloseable, Resource {

    private static final JsonLog LOG = JsonLog.get(DatabaseConnections.class);
    // Loaded at init, so pgjdbc's classes are in the SnapStart snapshot.
    private static final Driver DRIVER = new Driver();
    /** SQLState of a connection that could not be established (a connection error, so records are retried). */
    private static final String CONNECTION_UNABLE = "08001";

    private final DatabaseSettings settings;
    private final JdbcEndpoint endpoint;
    private final PasswordSource passwords;
    // Volatile: the watchdog aborts it from its own thread, without the lock a stalled get() holds.
    private volatile Connection connection;
    /** System.nanoTime() by which database calls must end, or null outside {@link #boundFor}. */
    private volatile Long callsEndNanos;
    private boolean statementTimeoutChecked;
    private ScheduledExecutorService watchdog;

    /** Production: passwords as the settings say, registered with the global CRaC context. */
    public DatabaseConnections(DatabaseSettings settings) {
        this(settings, PasswordSource.forSettings(settings), Core.getGlobalContext());
    }

    /** Tests: a given password source (e.g. counting tokens) and checkpoint context. */
    public DatabaseConnections(DatabaseSettings settings, PasswordSource passwords, Context<Resource> checkpoints) {
        this.settings = settings;
        this.endpoint = settings.endpoint();
        this.passwords = passwords;
        logSettings();
        // CRaC holds resources weakly: this object lives as long as the handler that owns it.
        checkpoints.register(this);
    }

    /** A usable connection in manual-commit mode, opening a new one if there is none or it broke. */
    public synchronized Connection get() throws SQLException {
        return get(true);
    }

    /**
     * {@link #get()} for a caller that reports a failure to connect itself, in its own words
     * (SnapStart priming, whose one log line says why it went on without the database): that
     * failure is not logged here.
     */
    public synchronized Connection getUnlogged() throws SQLException {
        return get(false);
    }

    private Connection get(boolean logFailure) throws SQLException {
        if (connection != null && !reusable(connection)) {
            discard("validation failed");
        }
        if (connection == null) {
            connection = open(logFailure);
        }
        return connection;
    }

    /**
     * Bounds every database wait to {@code timeLeft} from now, until the returned scope is closed:
     * a login takes at most the time left, and a connection still in use when it is over is
     * aborted. Call it once per invocation, around all of its database work. (A duration, not an
     * instant: the caller's clock may be a test's.)
     */
    public Bound boundFor(Duration timeLeft) {
        callsEndNanos = System.nanoTime() + timeLeft.toNanos();
        ScheduledFuture<?> abort = watchdog().schedule(this::abortWhenTimeIsUp, timeLeft.toNanos(), TimeUnit.NANOSECONDS);
        return () -> {
            abort.cancel(false);
            callsEndNanos = null;
        };
    }

    /** The scope of {@link #boundFor}; closing never throws. */
    @FunctionalInterface
    public interface Bound extends AutoCloseable {
        @Override
        void close();
    }

    private synchronized ScheduledExecutorService watchdog() {
        if (watchdog == null) {
            // One daemon thread, ended when idle: a frozen or discarded environment keeps none alive.
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, task -> {
                Thread t = new Thread(task, "db-deadline");
                t.setDaemon(true);
                return t;
            });
            pool.setRemoveOnCancelPolicy(true);
            pool.setKeepAliveTime(30, TimeUnit.SECONDS);
            pool.allowCoreThreadTimeOut(true);
            watchdog = pool;
        }
        return watchdog;
    }

    private void abortWhenTimeIsUp() {
        Connection c = connection;
        if (c == null) {
            return;
        }
        LOG.warn(LogEvent.DB_CONNECTION_ABORTED, "reason", "invocation_time_up");
        try {
            c.abort(Runnable::run); // closes the socket at once; the waiting statement fails with 08006
        } catch (SQLException | RuntimeException e) {
            LOG.error(LogEvent.DB_CONNECTION_ABORT_FAILED, e);
        }
    }

    /** Drops the current connection (after a connection-level error); the next get() reconnects. */
    public synchronized void discard() {
        discard("discarded by caller");
    }

    @Override
    public synchronized void close() {
        discard("closed");
    }

    @Override
    public synchronized void beforeCheckpoint(Context<? extends Resource> context) {
        discard("checkpoint");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to do: the next get() opens a connection with a fresh token.
    }

    private boolean reusable(Connection c) {
        try {
            if (c.isClosed()) {
                return false;
            }
            if (c.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
                // A caller left a transaction open: never let it leak into the next batch.
                LOG.warn(LogEvent.DB_TRANSACTION_LEFT_OPEN, "action", "rollback");
                c.rollback();
            }
            if (!c.isValid((int) settings.timeouts().connect().toSeconds())) {
                return false;
            }
            if (c.getAutoCommit()) {
                c.setAutoCommit(false); // a caller switched it; client-side, no round trip
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection open(boolean logFailure) throws SQLException {
        long started = System.nanoTime();
        Properties properties = ConnectionProperties.of(settings);
        Long end = callsEndNanos;
        if (end != null) {
            // pgjdbc takes whole seconds: with less than one left, a login could not be bounded.
            long left = TimeUnit.NANOSECONDS.toSeconds(end - System.nanoTime());
            if (left < 1) {
                throw new SQLException("no time left in this invocation to connect", CONNECTION_UNABLE);
            }
            for (String timeout : new String[] {"loginTimeout", "connectTimeout"}) {
                long configured = Long.parseLong(properties.getProperty(timeout));
                properties.setProperty(timeout, Long.toString(Math.min(configured, left)));
            }
        }
        Connection c;
        try {
            // The password lives in this Properties object for the duration of this call only.
            properties.setProperty("password", passwords.newPassword());
            c = DRIVER.connect(settings.url(), properties);
            if (c == null) {
                throw new SQLException("pgjdbc does not accept the URL " + settings.url(), CONNECTION_UNABLE);
            }
        } catch (SQLException e) {
            if (logFailure) {
                LOG.error(LogEvent.DB_CONNECTION_FAILED, e, "host", endpoint.host(), "port", endpoint.port(),
                        "sqlState", e.getSQLState(), "ms", elapsedMillis(started));
            }
            throw e;
        } finally {
            properties.remove("password");
        }
        try {
            checkStatementTimeoutOnce(c);
            c.setAutoCommit(false); // client-side only: pgjdbc sends BEGIN with the first statement
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        LOG.info(LogEvent.DB_CONNECTION_OPENED, "host", endpoint.host(), "port", endpoint.port(),
                "database", endpoint.database(), "auth", settings.auth(), "sslMode", settings.sslMode(),
                "backendPid", c.unwrap(PGConnection.class).getBackendPID(), "ms", elapsedMillis(started));
        return c;
    }

    /**
     * Behind RDS Proxy the client cannot send statement_timeout (startup options are refused and
     * a SET would pin), so the role must carry it: say so once if it does not.
     */
    private void checkStatementTimeoutOnce(Connection c) throws SQLException {
        if (statementTimeoutChecked || settings.timeouts().sendsStatementTimeout()) {
            return;
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'")) {
            long serverMillis = rs.next() ? rs.getLong(1) : 0;
            long socketMillis = settings.timeouts().socket().toMillis();
            if (serverMillis == 0 || serverMillis >= socketMillis) {
                LOG.warn(LogEvent.DB_STATEMENT_TIMEOUT_UNBOUNDED, "serverStatementTimeoutMs", serverMillis,
                        "socketTimeoutMs", socketMillis,
                        "advice", "ALTER ROLE " + settings.user() + " SET statement_timeout below the socket timeout");
            }
        }
        statementTimeoutChecked = true;
    }

    private void discard(String reason) {
        if (connection != null) {
            LOG.info(LogEvent.DB_CONNECTION_CLOSED, "reason", reason);
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is broken already
        }
    }

    private void logSettings() {
        LOG.info(LogEvent.DB_SETTINGS, "host", endpoint.host(), "port", endpoint.port(),
                "database", endpoint.database(), "user", settings.user(), "auth", settings.auth(),
                "sslMode", settings.sslMode(),
                "sslRoots", settings.sslRootCert().map(Object::toString).orElse("JVM trust store"),
                "connectTimeoutS", settings.timeouts().connect().toSeconds(),
                "loginTimeoutS", settings.timeouts().login().toSeconds(),
                "socketTimeoutS", settings.timeouts().socket().toSeconds(),
                "statementTimeoutS", settings.timeouts().statement().toSeconds());
        if (settings.sslMode() != SslMode.VERIFY_FULL) {
            LOG.warn(LogEvent.DB_TLS_WEAKENED, "sslMode", settings.sslMode(), "risk", switch (settings.sslMode()) {
                case DISABLE -> "plain text: credentials and data readable on the network";
                case REQUIRE -> "certificate not checked: a man in the middle is not detected";
                case VERIFY_CA -> "host name not checked: any certificate of the trusted roots is accepted";
                case VERIFY_FULL -> "none";
            });
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
