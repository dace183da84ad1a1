package io.billingsnapshot.priming;

import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.store.RequestLogs;
import io.billingsnapshot.store.SnapshotRows;
import io.billingsnapshot.time.Deadline;
import io.billingsnapshot.write.ModelCatalogs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Priming's database half: the code a batch only runs against a live server, run for real where
 * it cannot change anything, when the database can be reached before the snapshot (on Lambda the
 * init runs in the function's VPC). The connection is opened as a batch opens it, through
 * {@link DatabaseConnections} (TCP, TLS, the IAM token, the login); then, {@value #ROUNDS} times,
 * each time in a transaction that is rolled back, the read and lock statements of a write set run
 * through the store's own code, which reads their results as a batch does: the reconcile lock of
 * the request logs and their parents, the catalog of the synthetic batch's models, the lock of the
 * stored snapshots, the outbox's state. The request logs and snapshots are priming's own ids, which
 * no row has, so no row is locked; and no INSERT, UPDATE or DELETE is ever sent, not even to be
 * rolled back (the gateway's tables may carry triggers).
 *
 * <p>The connection is left open: {@link DatabaseConnections#beforeCheckpoint}, which runs after
 * priming's hook (hooks run last registered first), closes it before the snapshot.
 */
final class DatabasePriming {

    /**
     * All of its database time, the login included; a connection still busy then is aborted. A
     * login gets the whole seconds left of it (pgjdbc counts in seconds), so 1 s: a login to RDS
     * Proxy from inside the VPC takes tens of milliseconds, and a database that cannot be reached
     * costs the version's init 1 s, once per published version, not per restore.
     */
    static final Duration TIME = Duration.ofSeconds(2);
    /** Rounds of the statements: the driver's protocol code runs per message and per field, and a few rounds compile much of it. */
    static final int ROUNDS = 4;
    /** Statements a round runs. */
    static final int STATEMENTS = 4;

    /** What it did: the statements it ran, or why it went on without the database. */
    record Result(int statements, Optional<String> skipped) {
    }

    private final DatabaseConnections connections;
    private final Clock clock;
    private final RequestLogs requestLogs = new RequestLogs();
    private final ModelCatalogs catalogs = new ModelCatalogs(new PriceCatalog());
    private final SnapshotRows snapshotRows = new SnapshotRows();
    private final Outbox outbox = new Outbox();

    DatabasePriming(DatabaseConnections connections, Clock clock) {
        this.connections = connections;
        this.clock = clock;
    }

    /** Never throws for the database's sake: a connection or statement that fails ends it, with why. */
    Result prime(List<UUID> requestLogIds, Collection<String> models) {
        Deadline deadline = new Deadline(clock.instant().plus(TIME), clock);
        try (var bound = connections.boundFor(TIME)) {
            Connection c;
            try {
                c = connections.getUnlogged();
            } catch (SQLException e) {
                return new Result(0, Optional.of("unreachable: " + describe(e)));
            }
            int statements = 0;
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    requestLogs.lockWithParents(c, requestLogIds, deadline.remaining());
                    catalogs.read(c, models.stream(), deadline);
                    snapshotRows.lockPrevious(c, requestLogIds, deadline.remaining());
                    outbox.stats(c, deadline.remaining());
                    statements += STATEMENTS;
                    c.rollback();
                }
                return new Result(statements, Optional.empty());
            } catch (SQLException e) {
                connections.discard();
                return new Result(statements, Optional.of("statement failed: " + describe(e)));
            } catch (Deadline.OutOfTime e) {
                connections.discard();
                return new Result(statements, Optional.of("out of time after " + TIME.toMillis() + " ms"));
            }
        }
    }

    private static String describe(SQLException e) {
        return e.getSQLState() + " " + e.getMessage();
    }
}
