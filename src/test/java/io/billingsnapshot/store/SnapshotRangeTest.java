package io.billingsnapshot.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.store.SnapshotRange.Filter;
import io.billingsnapshot.store.SnapshotRange.Key;
import io.billingsnapshot.store.SnapshotRange.Picked;
import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.BilledAtIndex;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The walk re-rating takes through a range, against a real PostgreSQL: every pick walks at most
 * its limit of rows whatever the filter matches, the cursor sees every matching row once, with
 * the optional index and without; and when a table is refused for lack of that index.
 */
class SnapshotRangeTest {

    /** Rows are three a minute from 23:00; the range holds rows 60 to 239, the 'other' run 100 to 119 among them. */
    private static final Instant FROM = Instant.parse("2026-11-29T23:20:00Z");
    private static final Instant TO = Instant.parse("2026-11-30T00:20:00Z");
    private static final int IN_RANGE = 180;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Filter EVERY_ROW = new Filter(FROM, TO, Set.of(), false);
    /** Model 'a' unbilled: about one row in four, none in the run of 20 'other' rows. */
    private static final Filter SELECTIVE = new Filter(FROM, TO, Set.of("a"), true);

    private TestDatabase.Db db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.server().createDatabase();
    }

    /** {@code rows} snapshots of request logs: three a minute from 23:00, model and status by row number. */
    private void seed(int rows) {
        db.execute("""
                WITH logs AS (INSERT INTO request_logs (id) SELECT gen_random_uuid() FROM generate_series(1, ?) RETURNING id)
                INSERT INTO request_billing_snapshots (request_log_id, model, billing_status, unbillable_reason,
                    billed_at, created_at)
                SELECT id, CASE WHEN n BETWEEN 100 AND 119 THEN 'other' ELSE (ARRAY['a', 'b', 'c'])[1 + n % 3] END,
                       CASE WHEN n % 4 = 0 THEN 'billed' ELSE 'unbilled' END,
                       CASE WHEN n % 4 = 0 THEN NULL ELSE 'price_not_found' END,
                       timestamptz '2026-11-29T23:00:00Z' + (n / 3) * interval '1 minute', now()
                FROM (SELECT id, row_number() OVER () - 1 AS n FROM logs) numbered""", rows);
    }

    /** Every pick of a walk through the range, {@code limit} rows at a time, until one says the range is done. */
    private List<Picked> walk(SnapshotRange range, Filter filter, int limit) throws SQLException {
        List<Picked> picks = new ArrayList<>();
        Optional<Key> after = Optional.empty();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            Picked picked;
            do {
                picked = range.pick(c, filter, after, limit, TIMEOUT);
                picks.add(picked);
                after = picked.last();
                c.rollback();
                assertThat(picks).as("a walk that does not end").hasSizeLessThan(1_000);
            } while (picked.more());
        }
        return picks;
    }

    /** The matching rows of the range in walk order, as a plain query finds them. */
    private List<Key> expected(Filter filter) throws SQLException {
        List<Key> keys = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT billed_at, request_log_id FROM request_billing_snapshots
                WHERE billed_at >= ? AND billed_at < ? AND (? OR model = 'a' AND billing_status = 'unbilled')
                ORDER BY billed_at, request_log_id""")) {
            ps.setObject(1, OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC));
            ps.setObject(2, OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC));
            ps.setBoolean(3, filter.models().isEmpty());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new Key(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getObject(2, UUID.class)));
                }
            }
        }
        return keys;
    }

    private static List<Key> kept(List<Picked> picks) {
        return picks.stream().flatMap(p -> p.keys().stream()).toList();
    }

    @ParameterizedTest(name = "with the index: {0}")
    @ValueSource(booleans = {false, true})
    void aSelectiveWalkTakesBoundedStepsAndKeepsEveryMatchingRowOnceInWalkOrder(boolean indexed) throws Exception {
        seed(300);
        if (indexed) {
            BilledAtIndex.create(db);
        }
        SnapshotRange range = new SnapshotRange();

        List<Picked> every = walk(range, EVERY_ROW, 7);
        List<Picked> selective = walk(range, SELECTIVE, 7);

        assertThat(kept(every)).hasSize(IN_RANGE).isEqualTo(expected(EVERY_ROW)); // three rows share each billed_at
        List<Key> matching = expected(SELECTIVE);
        assertThat(matching).hasSizeBetween(30, 50);
        assertThat(kept(selective)).isEqualTo(matching);
        // However few rows match, a pick walks 7 rows of the range: as many picks as without a filter.
        assertThat(selective).hasSize(every.size()).hasSize((IN_RANGE + 6) / 7);
        assertThat(selective).filteredOn(p -> p.keys().isEmpty() && p.more()).as("empty picks inside the range")
                .isNotEmpty();
        assertThat(selective.get(selective.size() - 1).more()).isFalse();
        assertThat(selective.stream().map(p -> p.last().orElseThrow()).toList())
                .isEqualTo(every.stream().map(p -> p.last().orElseThrow()).toList());
    }

    @Test
    void aWalkResumedFromAnyCursorContinuesRightAfterIt() throws Exception {
        seed(300);
        List<Key> all = expected(EVERY_ROW);
        SnapshotRange range = new SnapshotRange();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            for (int at : new int[] {0, 1, 2, 41, 178}) {
                Picked picked = range.pick(c, EVERY_ROW, Optional.of(all.get(at)), 3, TIMEOUT);
                assertThat(picked.keys()).as("after row %d", at).isEqualTo(all.subList(at + 1, Math.min(at + 4, IN_RANGE)));
                assertThat(picked.more()).isEqualTo(at + 4 <= IN_RANGE);
            }
            Picked done = range.pick(c, EVERY_ROW, Optional.of(all.get(IN_RANGE - 1)), 3, TIMEOUT);
            assertThat(done.keys()).isEmpty();
            assertThat(done.last()).isEmpty();
            assertThat(done.more()).isFalse();
        }
    }

    @Test
    void withTheIndexAPickIsOneIndexRangeScanThatStopsAtItsLimitWithoutItAWholeScan() throws Exception {
        seed(20_000);
        db.execute("ANALYZE request_billing_snapshots");
        JsonNode scan = explainPick();
        assertThat(scan.toString()).doesNotContain("Index Scan").contains("\"Seq Scan\"").contains("\"Sort\"");

        BilledAtIndex.create(db);
        db.execute("ANALYZE request_billing_snapshots");
        JsonNode indexed = explainPick();

        assertThat(indexed.path("Node Type").asText()).isEqualTo("Limit");
        JsonNode walk = indexed.path("Plans").get(0);
        assertThat(walk.path("Node Type").asText()).isEqualTo("Index Scan");
        assertThat(walk.path("Index Name").asText()).isEqualTo(SnapshotRange.INDEX);
        assertThat(walk.path("Actual Rows").asLong()).isEqualTo(1_000);
        assertThat(indexed.toString()).doesNotContain("\"Sort\"").doesNotContain("Rows Removed by Filter");
    }

    @Test
    void withTheIndexTheLockFindsItsRowsByRequestIdWithoutReadingTheRange() throws Exception {
        seed(20_000);
        BilledAtIndex.create(db);
        db.execute("ANALYZE request_billing_snapshots");
        // A tenth of the table: selective enough for the planner to like the index on it.
        Filter tenth = new Filter(FROM, FROM.plus(Duration.ofMinutes(667)), Set.of(), false);
        List<Key> picked;
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            picked = new SnapshotRange().pick(c, tenth, Optional.empty(), 1_000, TIMEOUT).keys();
        }

        String plan;
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + SnapshotRange.LOCK)) {
            int i = 0;
            ps.setObject(++i, OffsetDateTime.ofInstant(tenth.from(), ZoneOffset.UTC));
            ps.setObject(++i, OffsetDateTime.ofInstant(tenth.to(), ZoneOffset.UTC));
            ps.setArray(++i, c.createArrayOf("text", new Object[0]));
            ps.setArray(++i, c.createArrayOf("text", new Object[0]));
            ps.setBoolean(++i, false);
            ps.setArray(++i, c.createArrayOf("uuid", picked.stream().map(Key::requestLogId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                plan = rs.getString(1);
            }
        }

        // A lock that used the index on the range would read all of its 2,001 rows for every chunk.
        assertThat(plan).doesNotContain(SnapshotRange.INDEX).contains("request_billing_snapshots_request_log_id_unique");
    }

    /** The executed plan of the pick of 1,000 rows, model 'a' unbilled only, from the range's start. */
    private JsonNode explainPick() throws Exception {
        try (Connection c = db.connect();
                PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + SnapshotRange.PICK)) {
            int i = 0;
            ps.setArray(++i, c.createArrayOf("text", new Object[] {"a"}));
            ps.setArray(++i, c.createArrayOf("text", new Object[] {"a"}));
            ps.setBoolean(++i, true);
            ps.setObject(++i, OffsetDateTime.ofInstant(FROM, ZoneOffset.UTC));
            ps.setObject(++i, new UUID(0, 0));
            ps.setObject(++i, OffsetDateTime.ofInstant(FROM, ZoneOffset.UTC));
            ps.setObject(++i, OffsetDateTime.ofInstant(FROM.plus(Duration.ofDays(3)), ZoneOffset.UTC));
            ps.setInt(++i, 1_000);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ObjectMapper().readTree(rs.getString(1)).get(0).path("Plan");
            }
        }
    }

    @Test
    void aTableOverTheLimitIsRefusedUntilItHasAValidIndexInWalkOrder() throws Exception {
        seed(300);
        SnapshotRange production = new SnapshotRange();
        SnapshotRange anySize = new SnapshotRange(0);

        assertThat(unboundedPicks(production)).as("a small table is scanned").isEmpty();
        assertThat(unboundedPicks(anySize)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("request_billing_snapshots is ")
                .contains(" kB (more than the 0 MB re-rating scans per chunk without an index)")
                .contains("has no index on (billed_at, request_log_id)")
                .contains(SnapshotRange.CREATE_INDEX)
                .contains("src/main/resources/db/optional/" + SnapshotRange.INDEX + ".sql"));

        for (String other : List.of(
                "CREATE INDEX by_billed_at ON request_billing_snapshots (billed_at)",
                "CREATE INDEX by_request_then_time ON request_billing_snapshots (request_log_id, billed_at)",
                "CREATE INDEX descending ON request_billing_snapshots (billed_at DESC, request_log_id)",
                "CREATE INDEX unbilled_only ON request_billing_snapshots (billed_at, request_log_id)"
                        + " WHERE billing_status = 'unbilled'",
                "CREATE INDEX hashed ON request_billing_snapshots USING hash (billed_at)")) {
            db.execute(other);
            assertThat(unboundedPicks(anySize)).as(other).hasValueSatisfying(why -> assertThat(why).contains("no index"));
        }

        BilledAtIndex.create(db);

        assertThat(unboundedPicks(anySize)).isEmpty();
        assertThat(BilledAtIndex.file().replaceAll("(?m)^--.*$", "").replaceAll("\\s+", " ").strip())
                .as("the file creates the index the refusal names").isEqualTo(SnapshotRange.CREATE_INDEX + ";");
    }

    @Test
    void anIndexWhoseConcurrentBuildWasCancelledIsNotValidAndTheRefusalSaysHowToRebuildIt() throws Exception {
        seed(300);
        SnapshotRange anySize = new SnapshotRange(0);
        CompletableFuture<Void> build;
        try (Connection writer = db.connect()) {
            // An open writing transaction: CREATE INDEX CONCURRENTLY commits the index as not
            // valid, then waits for it to end; cancelled there, it leaves that index behind.
            writer.setAutoCommit(false);
            writer.createStatement().execute("LOCK TABLE request_billing_snapshots IN ROW EXCLUSIVE MODE");
            build = CompletableFuture.runAsync(() -> BilledAtIndex.create(db));
            Await.until("the index build waits for the writer", () -> cancelWaitingBuild());
            writer.rollback();
        }
        assertThatThrownBy(build::get).isInstanceOf(ExecutionException.class).rootCause()
                .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("57014");

        assertThat(unboundedPicks(anySize)).hasValueSatisfying(why -> assertThat(why)
                .contains("its index " + SnapshotRange.INDEX + " on (billed_at, request_log_id) is not valid")
                .contains("DROP INDEX CONCURRENTLY " + SnapshotRange.INDEX)
                .contains(SnapshotRange.CREATE_INDEX));
        assertThatThrownBy(() -> BilledAtIndex.create(db)).as("running the file again")
                .hasMessageContaining("already exists");

        db.execute("DROP INDEX CONCURRENTLY " + SnapshotRange.INDEX);
        BilledAtIndex.create(db);

        assertThat(unboundedPicks(anySize)).isEmpty();
    }

    /** Cancels the index build if it waits for the writer by now; whether it did. */
    private boolean cancelWaitingBuild() throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("""
                SELECT pg_cancel_backend(pid) FROM pg_stat_progress_create_index
                WHERE datname = current_database() AND phase = 'waiting for writers before build'""")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    @Test
    void theBillingRoleReadsTheCatalogWithItsOwnGrantsOnly() throws Exception {
        seed(300);
        String role = "rerate_" + UUID.randomUUID().toString().substring(0, 8);
        db.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'secret'");
        try {
            db.execute("GRANT SELECT, INSERT, UPDATE ON request_billing_snapshots TO " + role);
            Properties login = new Properties();
            login.setProperty("user", role);
            login.setProperty("password", "secret");
            try (Connection c = DriverManager.getConnection(db.url(), login)) {
                assertThat(new SnapshotRange(0).unboundedPicks(c, TIMEOUT)).isPresent();
                BilledAtIndex.create(db);
                assertThat(new SnapshotRange(0).unboundedPicks(c, TIMEOUT)).isEmpty();
            }
        } finally {
            db.execute("DROP OWNED BY " + role);
            db.execute("DROP ROLE " + role);
        }
    }

    private Optional<String> unboundedPicks(SnapshotRange range) throws SQLException {
        try (Connection c = db.connect()) {
            return range.unboundedPicks(c, TIMEOUT);
        }
    }
}
