package io.billingsnapshot.rerate;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.quota.Outbox;
import io.billingsnapshot.store.SnapshotBatchSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Writes a chunk's rewritten rows through the message path's write statements: one upsert of
 * every row (the rows locked by the caller), the quota delta of each row the database reports
 * written (stored row to written row), every delta into the outbox in one statement. Does not
 * commit.
 */
public final class RerateWriter {

    /** A rewrite the database wrote, and the delta recorded for it (empty when quota does not change). */
    record Written(Repricing.Rewrite rewrite, Optional<QuotaDelta> delta) {
    }

    private final SnapshotBatchSql sql;
    private final Outbox outbox;
    private final Supplier<UUID> deltaIds;
    private final Duration outboxLease;

    public RerateWriter(SnapshotBatchSql sql, Outbox outbox, Supplier<UUID> deltaIds, Duration outboxLease) {
        this.sql = sql;
        this.outbox = outbox;
        this.deltaIds = deltaIds;
        this.outboxLease = outboxLease;
    }

    List<Written> write(Connection c, List<Repricing.Rewrite> rewrites, Instant now, Duration timeout)
            throws SQLException {
        if (rewrites.isEmpty()) {
            return List.of();
        }
        List<Snapshot> rows = rewrites.stream().map(Repricing.Rewrite::row).toList();
        List<UUID> locked = rows.stream().map(Snapshot::requestLogId).toList();
        Set<UUID> written = sql.upsert(c, rows, locked, now, timeout);
        List<Written> result = new ArrayList<>(written.size());
        List<QuotaDelta> deltas = new ArrayList<>();
        for (Repricing.Rewrite rewrite : rewrites) {
            Snapshot row = rewrite.row();
            if (written.contains(row.requestLogId())) {
                var adjustments = QuotaDeltaCalculator.adjustments(Optional.of(rewrite.stored().billedAmount()),
                        row.billedAmount());
                Optional<QuotaDelta> delta = adjustments.isEmpty() ? Optional.empty() : Optional.of(new QuotaDelta(
                        deltaIds.get(), row.requestLogId(), row.billedAt(), row.currency(), adjustments));
                delta.ifPresent(deltas::add);
                result.add(new Written(rewrite, delta));
            }
        }
        outbox.addAll(c, deltas, now, outboxLease);
        return result;
    }
}
