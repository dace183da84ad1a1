package io.billingsnapshot.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The physical limit: snapshot rows written by one raw multi-row {@code INSERT … ON CONFLICT}
 * and a commit, with no other work (no reads, no pricing, no outbox, no publishing). The rows
 * are copies of rows the fast path wrote, moved onto request logs no one has billed yet.
 */
final class RawUpsert implements AutoCloseable {

    /** PostgreSQL takes at most 65,535 parameters per statement: 2,000 rows of 32 columns. */
    static final int ROWS_PER_STATEMENT = 2_000;

    private final Connection c;

    RawUpsert(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("prepareThreshold", "0");
        p.setProperty("sslmode", "disable");
        p.setProperty("gssEncMode", "disable");
        c = DriverManager.getConnection(url, p);
        c.setAutoCommit(false);
    }

    /** Snapshot rows: the column names, and each row's values in that order. */
    record Rows(List<String> columns, List<List<Object>> values) {
    }

    /** The rows of these requests, every column but id. */
    Rows rowsOf(List<UUID> requestLogIds) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM request_billing_snapshots WHERE request_log_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", requestLogIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (!meta.getColumnName(i).equals("id")) {
                        columns.add(meta.getColumnName(i));
                    }
                }
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (String column : columns) {
                        row.add(rs.getObject(column));
                    }
                    rows.add(row);
                }
            }
        }
        c.commit();
        return new Rows(columns, rows);
    }

    /** Writes the rows onto the given request logs; returns the nanoseconds it took, commit included. */
    long write(Rows copied, List<UUID> onto) throws SQLException {
        List<String> columns = copied.columns();
        List<List<Object>> rows = copied.values();
        int requestLogColumn = columns.indexOf("request_log_id");
        long start = System.nanoTime();
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            int to = Math.min(from + ROWS_PER_STATEMENT, rows.size());
            try (PreparedStatement ps = c.prepareStatement(sql(columns, to - from))) {
                int i = 0;
                for (int r = from; r < to; r++) {
                    List<Object> row = rows.get(r);
                    for (int k = 0; k < row.size(); k++) {
                        ps.setObject(++i, k == requestLogColumn ? onto.get(r) : row.get(k));
                    }
                }
                ps.executeUpdate();
            }
        }
        c.commit();
        return System.nanoTime() - start;
    }

    private static String sql(List<String> columns, int rows) {
        String placeholders = "(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
        String updates = columns.stream().filter(c -> !c.equals("request_log_id") && !c.equals("created_at"))
                .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
        return "INSERT INTO request_billing_snapshots (" + String.join(", ", columns) + ") VALUES "
                + String.join(", ", Collections.nCopies(rows, placeholders))
                + " ON CONFLICT (request_log_id) DO UPDATE SET " + updates;
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
