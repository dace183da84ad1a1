package io.billingsnapshot.write;

import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.store.SnapshotRows;
import io.billingsnapshot.time.Deadline;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The write step, for priced snapshots of any origin: lock the stored rows, apply the ordering
 * rule, upsert the winners with RETURNING, derive each request's quota delta from the locked row
 * and the row the database reports written, and record the deltas in the outbox. Three
 * statements whatever the number of rows; it does not commit.
 */
public final class SnapshotWriter {

    /** What became of one planned write: stale, or written with the delta it carries (if any). */
    public record Result(boolean stale, Optional<QuotaDelta> delta) {
    }

    /** A request that is not stale but has no row written (a trigger skipped it, a concurrent insert or delete). */
    public static final class RowNotWritten extends Exception {
        RowNotWritten(Set<UUID> requestLogIds) {
            super(requestLogIds.size() + " request(s) not written", null, false, false);
        }
    }

    private final SnapshotRows rows;
    private final Outbox outbox;
    private final Supplier<UUID> deltaIds;
    private final Duration outboxLease;

    public SnapshotWriter(SnapshotRows rows, Outbox outbox, Supplier<UUID> deltaIds, Duration outboxLease) {
        this.rows = rows;
        this.outbox = outbox;
        this.deltaIds = deltaIds;
        this.outboxLease = outboxLease;
    }

    /**
     * @param planned the new rows in the order they arrived; several may be for one request
     * @param deadline bounds each statement that may wait on a lock
     * @return one result per planned row, in the same order
     * @throws RowNotWritten when a request that should be written has no row written; nothing of
     *     this call is recorded then, and the caller rolls back
     */
    public List<Result> write(Connection c, List<Snapshot> planned, Instant now, Deadline deadline)
            throws SQLException, RowNotWritten, Deadline.OutOfTime {
        Map<UUID, List<Integer>> byRequest = new LinkedHashMap<>();
        for (int i = 0; i < planned.size(); i++) {
            byRequest.computeIfAbsent(planned.get(i).requestLogId(), id -> new ArrayList<>()).add(i);
        }
        Map<UUID, BilledAmount> previous = rows.lockPrevious(c, byRequest.keySet(), deadline.remaining());

        Result[] results = new Result[planned.size()];
        Map<UUID, Integer> winners = new LinkedHashMap<>();
        byRequest.forEach((requestLogId, indexes) -> {
            OrderingRule.Resolution resolution = OrderingRule.resolve(
                    indexes.stream().map(i -> planned.get(i).billedAt()).toList(),
                    Optional.ofNullable(previous.get(requestLogId)).map(BilledAmount::billedAt));
            for (int k = 0; k < indexes.size(); k++) {
                results[indexes.get(k)] = new Result(resolution.stale().get(k), Optional.empty());
            }
            resolution.winner().ifPresent(k -> winners.put(requestLogId, indexes.get(k)));
        });
        if (winners.isEmpty()) {
            return List.of(results);
        }
        // The upsert inserts in PostgreSQL's id order, the order of every lock.
        List<Snapshot> toWrite = winners.values().stream().map(planned::get).toList();
        Map<UUID, BilledAmount> written = rows.upsert(c, toWrite, previous.keySet(), now, deadline.remaining());
        if (!written.keySet().equals(winners.keySet())) {
            throw new RowNotWritten(winners.keySet().stream().filter(id -> !written.containsKey(id))
                    .collect(Collectors.toSet()));
        }
        List<QuotaDelta> deltas = new ArrayList<>();
        winners.forEach((requestLogId, index) -> {
            Optional<QuotaDelta> delta = QuotaDeltaCalculator.delta(requestLogId,
                    Optional.ofNullable(previous.get(requestLogId)), written.get(requestLogId), deltaIds);
            delta.ifPresent(deltas::add);
            results[index] = new Result(false, delta);
        });
        outbox.addAll(c, deltas, now, outboxLease, deadline.remaining());
        return List.of(results);
    }
}
