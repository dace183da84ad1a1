package io.billingsnapshot.reliability;

import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A trigger that makes the snapshot write of chosen requests slow (pg_sleep inside the
 * insert, within the record's transaction), so a test can stop the server, kill the backend
 * or run out the time budget while that write is in flight. A gateway database may carry
 * triggers of its own; the service must cope.
 */
final class SlowInserts {

    private SlowInserts() {
    }

    static void install(TestDatabase.Db db) {
        db.execute("CREATE TABLE slow_request_logs (request_log_id uuid PRIMARY KEY, seconds double precision NOT NULL)");
        db.execute("""
                CREATE FUNCTION slow_snapshot_write() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                  pause double precision;
                BEGIN
                  SELECT seconds INTO pause FROM slow_request_logs WHERE request_log_id = NEW.request_log_id;
                  IF pause IS NOT NULL THEN
                    PERFORM pg_sleep(pause);
                  END IF;
                  RETURN NEW;
                END $$""");
        db.execute("""
                CREATE TRIGGER slow_snapshot_write BEFORE INSERT OR UPDATE ON request_billing_snapshots
                FOR EACH ROW EXECUTE FUNCTION slow_snapshot_write()""");
    }

    static void slow(TestDatabase.Db db, UUID requestLogId, Duration pause) {
        db.execute("INSERT INTO slow_request_logs VALUES (?, ?)", requestLogId, pause.toMillis() / 1000.0);
    }

    static void clear(TestDatabase.Db db) {
        db.execute("DELETE FROM slow_request_logs");
    }

    /** The pid of the backend sleeping in the trigger, once there is one. */
    static int awaitSleepingBackend(TestDatabase.Db db, Duration giveUp) throws InterruptedException {
        Instant until = Instant.now().plus(giveUp);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (Instant.now().isBefore(until)) {
                try (ResultSet rs = s.executeQuery("""
                        SELECT pid FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()""")) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
                Thread.sleep(10);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no backend reached the slow snapshot write within " + giveUp);
    }

    /** Kills a backend from another connection, as an operator or a failover would. */
    static void terminate(TestDatabase.Db db, int pid) {
        db.execute("SELECT pg_terminate_backend(?)", pid);
    }
}
