package io.billingsnapshot.store;

import java.sql.SQLException;
import java.util.List;
import org.postgresql.core.Parser;

/**
 * The statements of a batch's transaction, for SnapStart priming: pgjdbc turns each statement it
 * is asked to prepare into its protocol form (JDBC escapes replaced, the text split and its
 * parameters numbered) before anything reaches the server. That part needs no connection, so
 * priming runs it on the real statements and the first batch after a restore finds the parser
 * compiled.
 */
public final class BatchStatements {

    static final List<String> ALL = List.of(RequestLogs.LOCK_WITH_PARENTS, PriceCatalog.LOAD,
            SnapshotRows.LOCK_PREVIOUS, SnapshotRows.UPSERT);

    private BatchStatements() {
    }

    /**
     * Parses every statement as pgjdbc's {@code prepareStatement} does on a connection to
     * PostgreSQL (standard-conforming strings, parameters, no batch rewriting).
     *
     * @return the statements parsed
     */
    public static int parseWithoutConnection() {
        try {
            for (String sql : ALL) {
                Parser.parseJdbcSql(Parser.replaceProcessing(sql, true, true), true, true, true, false, true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("pgjdbc refused a statement of the batch", e);
        }
        return ALL.size();
    }
}
