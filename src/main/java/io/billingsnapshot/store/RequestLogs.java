package io.billingsnapshot.store;

import io.billingsnapshot.billing.Multipliers;
import io.billingsnapshot.billing.References;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Reads of the gateway's request and upstream rows: the reconcile step and the multipliers. */
public final class RequestLogs {

    private static final String RECONCILE = """
            SELECT api_key_id, upstream_id, user_id
            FROM request_logs
            WHERE id = ?""";

    private static final String MULTIPLIERS = """
            SELECT billing_input_multiplier, billing_output_multiplier
            FROM upstreams
            WHERE id = ?""";

    /**
     * The request's current references, which replace the message's: a key or upstream
     * deleted since the gateway sent the message is already NULL here. Empty when the
     * request log does not exist (yet).
     */
    public Optional<References> reconcile(Connection c, UUID requestLogId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECONCILE)) {
            Jdbc.setUuid(ps, 1, requestLogId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new References(
                        Jdbc.uuid(rs, "api_key_id"), Jdbc.uuid(rs, "upstream_id"), Jdbc.uuid(rs, "user_id")));
            }
        }
    }

    /** The upstream's multipliers; 1 and 1 without an upstream (or when it was just deleted). */
    public Multipliers multipliers(Connection c, UUID upstreamId) throws SQLException {
        if (upstreamId == null) {
            return Multipliers.NONE;
        }
        try (PreparedStatement ps = c.prepareStatement(MULTIPLIERS)) {
            Jdbc.setUuid(ps, 1, upstreamId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new Multipliers(rs.getDouble("billing_input_multiplier"), rs.getDouble("billing_output_multiplier"))
                        : Multipliers.NONE;
            }
        }
    }
}
