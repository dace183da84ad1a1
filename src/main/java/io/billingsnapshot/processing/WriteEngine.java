package io.billingsnapshot.processing;

import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.store.RequestLogs;
import io.billingsnapshot.store.RequestLogs.RequestRow;
import io.billingsnapshot.time.Deadline;
import io.billingsnapshot.write.ModelCatalogs;
import io.billingsnapshot.write.SnapshotWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The one write path: a set of records, of any size, in one transaction whose statements do not
 * grow in number with the set. Lock the request logs and their parents (reconcile), read the
 * catalog of the set's models, price ({@link SetPlan}), write ({@link SnapshotWriter}), commit.
 * A record alone is this same path on a set of one.
 */
public final class WriteEngine {

    private final RequestLogs requestLogs;
    private final ModelCatalogs catalogs;
    private final SnapshotWriter writer;

    public WriteEngine(RequestLogs requestLogs, ModelCatalogs catalogs, SnapshotWriter writer) {
        this.requestLogs = requestLogs;
        this.catalogs = catalogs;
        this.writer = writer;
    }

    /**
     * @param groups the FIFO groups failed before this set (not changed: the caller records the
     *     failures of a committed set)
     * @param nulled the reference column the FK retry sets NULL, for a set of one
     * @return each record's outcome, in set order, committed
     * @throws SQLException when a statement fails; nothing is committed, the caller rolls back
     * @throws SnapshotWriter.RowNotWritten when a record that is not stale has no row written
     * @throws Deadline.OutOfTime when no time is left for the next statement
     */
    List<Outcome> write(Connection c, List<ParsedRecord> set, FifoGroups groups, Optional<ReferenceColumn> nulled,
            Instant now, Deadline deadline) throws SQLException, SnapshotWriter.RowNotWritten, Deadline.OutOfTime {
        List<RequestCompletion> messages = set.stream().flatMap(r -> r.message().stream()).toList();
        // The statements lock in PostgreSQL's id order themselves (ORDER BY): no order here.
        Set<UUID> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.requestLogId()));
        Map<UUID, RequestRow> requests = ids.isEmpty()
                ? Map.of() : requestLogs.lockWithParents(c, ids, deadline.remaining());
        Map<String, ModelCatalog> prices = catalogs.read(c,
                messages.stream().filter(m -> requests.containsKey(m.requestLogId())).map(RequestCompletion::model),
                deadline);

        SetPlan plan = new SetPlan(set, groups.copy(), requests, prices, nulled);
        List<SnapshotWriter.Result> results = plan.planned().isEmpty()
                ? List.of() : writer.write(c, plan.planned(), now, deadline);
        c.commit();
        return plan.outcomes(results);
    }
}
