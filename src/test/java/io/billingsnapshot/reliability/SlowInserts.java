package io.billingsnapshot.reliability;

import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A trigger that makes the snapshot write of chosen requests slow (pg_sleep inside the
 * insert, within the record's transaction), or holds it at a {@link Gate} the test opens, so
 * a test can stop the server, kill the backend or run out the time budget while that write
 * is in flight. A gateway database may carry triggers of its own; the service must cope.
 */
final class SlowInserts {

    /** The advisory lock a {@link Gate} holds and a held write waits for. */
    private static final long GATE_LOCK = 7_007_007;

    private SlowInserts() {
    }

    static void install(TestDatabase.Db db) {
        db.execute("CREATE TABLE slow_request_logs (request_log_id uuid PRIMARY KEY, seconds double precision NOT NULL)");
        db.execute(String.format(Locale.ROOT, """
                CREATE FUNCTION slow_snapshot_write() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                  pause double precision;
                BEGIN
                  SELECT seconds INTO pause FROM slow_request_logs WHERE request_log_id = NEW.request_log_id;
                  IF pause < 0 THEN
                    PERFORM pg_advisory_lock_shared(%d);
                    PERFORM pg_advisory_unlock_shared(%d);
                  ELSIF pause IS NOT NULL THEN
                    PERFORM pg_sleep(pause);
                  END IF;
                  RETURN NEW;
                END $$""", GATE_LOCK, GATE_LOCK));
        db.execute("""
                CREATE TRIGGER slow_snapshot_write BEFORE INSERT OR UPDATE ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION slow_snapshot_write()""");
    }

    static void slow(TestDatabase.Db db, UUID requestLogId, Duration pause) {
        db.execute("INSERT INTO slow_request_logs VALUES (?, ?)", requestLogId, pause.toMillis() / 1000.0);
    }

    /** The write of this request waits in the trigger until the gate opens. */
    static void holdAtGate(TestDatabase.Db db, UUID requestLogId) {
        db.execute("INSERT INTO slow_request_logs VALUES (?, -1)", requestLogId);
    }

    /** Closes the gate; held writes wait at it until {@link Gate#open()}. */
    static Gate closedGate(TestDatabase.Db db) {
        return new Gate(db);
    }

    /** An advisory lock the test holds: a write held at the gate takes it (shared) and waits. */
    static final class Gate implements AutoCloseable {
        private final TestDatabase.Db db;
        private final Connection holder;

        private Gate(TestDatabase.Db db) {
            this.db = db;
            try {
                holder = db.connect();
                try (Statement s = holder.createStatement()) {
                    s.execute("SELECT pg_advisory_lock(" + GATE_LOCK + ")");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Returns once a write waits at the gate, as pg_stat_activity shows (autocommit: a fresh view each time). */
        void awaitWriterWaiting() throws Exception {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                Await.until("a snapshot write waits at the gate", () -> {
                    try (ResultSet rs = s.executeQuery("""
                            SELECT count(*) FROM pg_stat_activity
                            WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'""")) {
                        rs.next();
                        return rs.getLong(1) > 0;
                    }
                });
            }
        }

        void open() {
            close();
        }

        @Override
        public void close() {
            try {
                holder.close(); // ends the session: its advisory lock goes with it
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static void clear(TestDatabase.Db db) {
        db.execute("DELETE FROM slow_request_logs");
    }

    /** The pid of the backend sleeping in the trigger, once there is one. */
    static int awaitSleepingBackend(TestDatabase.Db db, Duration giveUp) throws InterruptedException {
        Instant until = Instant.now().plus(giveUp);
        while (Instant.now().isBefore(until)) {
            Optional<Integer> pid = sleepingBackend(db);
            if (pid.isPresent()) {
                return pid.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no backend reached the slow snapshot write within " + giveUp);
    }

    /** The pid of a backend sleeping in the trigger now, if any. */
    static Optional<Integer> sleepingBackend(TestDatabase.Db db) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()""")) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills a backend from another connection, as an operator or a failover would. */
    static void terminate(TestDatabase.Db db, int pid) {
        db.execute("SELECT pg_terminate_backend(?)", pid);
    }
}
