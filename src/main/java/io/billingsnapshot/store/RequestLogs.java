package io.billingsnapshot.store;

import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.db.StatementTimeout;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The reconcile read: the gateway's request logs and the parent rows they reference, locked. */
public final class RequestLogs {

    /** A request log's current references and its upstream's multipliers (1 and 1 without one). */
    public record RequestRow(References references, Multipliers multipliers) {
    }

    /*
     * FOR KEY SHARE on the request logs and on every parent they reference, before the snapshot
     * rows are locked (the next statement). The gateway's deletes take their locks parent first:
     * DELETE FROM upstreams locks the upstream, then its ON DELETE SET NULL updates the request
     * logs and the snapshots that reference it. Were we to hold a snapshot row first and only then
     * need the upstream (our insert's FK check), the two would wait for each other and PostgreSQL
     * would cancel one, often the gateway's DELETE. Taking the parents first, in the gateway's
     * order, one side simply waits: a DELETE already running finishes first (its parent row is
     * then skipped here, and its reference reads NULL, as the cascade left it); one arriving later
     * waits for our commit. KEY SHARE does not conflict with the cascade's updates of request
     * logs, nor with other invocations' KEY SHARE. Parent ids come from the locked parents, so
     * only rows that exist until commit are referenced.
     *
     * The statement is the function of migration V4: a row lock needs UPDATE privilege on the
     * table, which the billing role must not have on the gateway's tables; the function takes
     * the locks with its owner's rights and the role may only execute it.
     */
    static final String LOCK_WITH_PARENTS = """
            SELECT id, api_key_id, upstream_id, user_id, billing_input_multiplier, billing_output_multiplier
            FROM billing_snapshot_lock_request_logs(?)""";

    /** The request logs that exist among {@code ids}, locked with their parents until the transaction ends. */
    public Map<UUID, RequestRow> lockWithParents(Connection c, Collection<UUID> ids, Duration timeout)
            throws SQLException {
        Map<UUID, RequestRow> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LOCK_WITH_PARENTS)) {
            StatementTimeout.set(ps, timeout);
            Jdbc.setUuids(c, ps, 1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(Jdbc.uuid(rs, "id"), new RequestRow(new References(Jdbc.uuid(rs, "api_key_id"),
                            Jdbc.uuid(rs, "upstream_id"), Jdbc.uuid(rs, "user_id")), Jdbc.multipliers(rs)));
                }
            }
        }
        return rows;
    }
}
