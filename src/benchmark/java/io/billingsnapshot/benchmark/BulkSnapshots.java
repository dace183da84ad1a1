package io.billingsnapshot.benchmark;

import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot table of production size, fast: request logs and their snapshots of row numbers
 * {@code [first, first + rows)}, one every {@link #SPACING} of {@code billed_at} from {@link #START}, made
 * in one {@code INSERT … SELECT generate_series} statement over the workload's keys, users,
 * upstreams and catalog models. Every snapshot is {@code unbilled}/{@code price_not_found} (its
 * model's price came late), with random request ids, as the gateway makes them. The two tables'
 * constraints and indexes are dropped for the load and made again from their own definitions
 * after it: the foreign keys are validated then, so every row satisfies them.
 */
final class BulkSnapshots {

    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration SPACING = Duration.ofMillis(250);

    private static final String TABLES = "('request_logs'::regclass, 'request_billing_snapshots'::regclass)";

    private static final String LOAD = """
            WITH parents AS MATERIALIZED (
                SELECT (SELECT array_agg(id ORDER BY id) FROM api_keys) AS keys,
                       (SELECT array_agg(id ORDER BY id) FROM users) AS users,
                       (SELECT array_agg(id ORDER BY id) FROM upstreams) AS upstreams,
                       (SELECT array_agg(DISTINCT model ORDER BY model) FROM billing_model_prices) AS models
            ), logs AS (
                INSERT INTO request_logs (id, api_key_id, user_id, upstream_id, model, created_at)
                SELECT gen_random_uuid(), keys[1 + i % cardinality(keys)], users[1 + i % cardinality(users)],
                       upstreams[1 + i % cardinality(upstreams)], models[1 + i % cardinality(models)],
                       ?::timestamptz + i * ?::interval
                FROM parents, generate_series(?::bigint, ?::bigint) i
                RETURNING id, api_key_id, user_id, upstream_id, model, created_at
            )
            INSERT INTO request_billing_snapshots (request_log_id, api_key_id, user_id, upstream_id, model,
                billing_status, unbillable_reason, prompt_tokens, completion_tokens, total_tokens,
                billed_at, created_at)
            SELECT id, api_key_id, user_id, upstream_id, model, 'unbilled', 'price_not_found',
                   1000 + n % 4000, 200 + n % 700, 1200 + n % 4000 + n % 700, created_at, created_at
            FROM (SELECT *, row_number() OVER () AS n FROM logs) numbered""";

    private BulkSnapshots() {
    }

    /** Loads the rows; the seconds it took, constraints and statistics included. */
    static double load(TestDatabase.Db db, long first, long rows) throws SQLException {
        long started = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET maintenance_work_mem = '1GB'");
            List<String> restore = new ArrayList<>();
            for (String drop : dropAll(s, restore)) {
                s.execute(drop);
            }
            try (PreparedStatement load = c.prepareStatement(LOAD)) {
                load.setString(1, START.toString());
                load.setString(2, SPACING.toMillis() + " milliseconds");
                load.setLong(3, first);
                load.setLong(4, first + rows - 1);
                load.executeUpdate();
            }
            for (String create : restore) {
                s.execute(create);
            }
            s.execute("VACUUM ANALYZE request_logs, request_billing_snapshots");
            s.execute("CHECKPOINT");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * The statements that drop the two tables' constraints (foreign keys first, including those of
     * other tables that point at them) and other indexes; {@code restore} receives the statements
     * that make them again, in the order to run them (foreign keys last).
     */
    private static List<String> dropAll(Statement s, List<String> restore) throws SQLException {
        List<String> drops = new ArrayList<>();
        List<String> foreignKeys = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("""
                SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
                       format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
                              pg_get_constraintdef(oid)),
                       contype = 'f'
                FROM pg_constraint
                WHERE contype IN ('p', 'u', 'f') AND (conrelid IN :tables OR confrelid IN :tables)
                ORDER BY contype = 'f' DESC, conname""".replace(":tables", TABLES))) {
            while (rs.next()) {
                drops.add(rs.getString(1));
                (rs.getBoolean(3) ? foreignKeys : restore).add(rs.getString(2));
            }
        }
        try (ResultSet rs = s.executeQuery("""
                SELECT format('DROP INDEX %s', indexrelid::regclass), pg_get_indexdef(indexrelid)
                FROM pg_index i
                WHERE indrelid IN :tables
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid AND contype IN ('p', 'u'))
                ORDER BY 1""".replace(":tables", TABLES))) {
            while (rs.next()) {
                drops.add(rs.getString(1));
                restore.add(rs.getString(2));
            }
        }
        restore.addAll(foreignKeys);
        return drops;
    }
}
