package io.billingsnapshot.store;

import io.billingsnapshot.billing.Multipliers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.UUID;

/** Null-safe JDBC binding and reading for the column types this service uses. */
final class Jdbc {

    private Jdbc() {
    }

    static void setUuids(Connection c, PreparedStatement ps, int index, Collection<UUID> ids) throws SQLException {
        ps.setArray(index, c.createArrayOf("uuid", ids.toArray()));
    }

    /** An instant always travels with its offset, so the session's TimeZone never changes it. */
    static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    static Integer nullableInteger(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** The upstream's multipliers of a row joined with {@code upstreams}; 1 and 1 when it has no upstream. */
    static Multipliers multipliers(ResultSet rs) throws SQLException {
        Double in = nullableDouble(rs, "billing_input_multiplier");
        return in == null ? Multipliers.NONE : new Multipliers(in, rs.getDouble("billing_output_multiplier"));
    }
}
