package io.billingsnapshot.soak;

import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Kills the database connection of a handler with {@code pg_terminate_backend}, as a
 * failover, an RDS Proxy recycle or an idle-connection reaper would. A strike watches
 * {@code pg_stat_activity} for a busy handler backend (a statement running or a transaction
 * open: mid-batch) and kills it; only when the invocation that triggered the strike has
 * returned without one turning up does an idle backend do. Kills are counted by the state
 * the backend was in.
 */
final class BackendKiller {

    /** The application name the service's connections carry (db.ConnectionProperties). */
    private static final String HANDLER_APPLICATION = "billing-snapshot-lambda";
    private static final String HANDLER_BACKENDS = """
            SELECT pid, state FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = ? AND pid <> pg_backend_pid()""";
    private static final String TERMINATE = "SELECT pg_terminate_backend(?)";

    private record Backend(int pid, String state) {
        boolean busy() {
            return !"idle".equals(state);
        }
    }

    private final TestDatabase.Db db;
    private final Random random;
    private final Duration hangLimit;
    private final BooleanSupplier stopping;
    private final Map<String, Long> killedByState = new TreeMap<>();

    BackendKiller(TestDatabase.Db db, Random random, Duration hangLimit, BooleanSupplier stopping) {
        this.db = db;
        this.random = random;
        this.hangLimit = hangLimit;
        this.stopping = stopping;
    }

    void strike(Invocation trigger) throws Exception {
        try (Connection c = db.connect()) {
            Await.holdsWithin(hangLimit, () -> stopping.getAsBoolean() || killedOne(c, trigger.hasEnded()));
        }
    }

    private boolean killedOne(Connection c, boolean idleWillDo) throws SQLException {
        List<Backend> backends = handlerBackends(c);
        List<Backend> busy = backends.stream().filter(Backend::busy).toList();
        List<Backend> candidates = busy.isEmpty() && idleWillDo ? backends : busy;
        if (candidates.isEmpty()) {
            return false;
        }
        Backend victim = candidates.get(random.nextInt(candidates.size()));
        try (PreparedStatement ps = c.prepareStatement(TERMINATE)) {
            ps.setInt(1, victim.pid());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return false; // it had just gone by itself
                }
            }
        }
        synchronized (killedByState) {
            killedByState.merge(String.valueOf(victim.state()), 1L, Long::sum);
        }
        return true;
    }

    private static List<Backend> handlerBackends(Connection c) throws SQLException {
        List<Backend> backends = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(HANDLER_BACKENDS)) {
            ps.setString(1, HANDLER_APPLICATION);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    backends.add(new Backend(rs.getInt(1), rs.getString(2)));
                }
            }
        }
        return backends;
    }

    Map<String, Long> killedByState() {
        synchronized (killedByState) {
            return Map.copyOf(killedByState);
        }
    }

    long killed() {
        return killedByState().values().stream().mapToLong(Long::longValue).sum();
    }
}
