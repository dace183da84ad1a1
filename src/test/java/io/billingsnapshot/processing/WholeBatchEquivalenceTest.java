package io.billingsnapshot.processing;

import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.Granularity;
import io.billingsnapshot.testing.HandlerFactory;
import io.billingsnapshot.testing.RandomWorld;
import io.billingsnapshot.testing.RecordingMetrics;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Property: on the same random gateway and the same random batches (with catalog changes
 * between them), the engine on whole batches and the engine on sets of one leave the same
 * snapshot rows (every column but id and created_at), give the same batch responses and metrics,
 * and publish the same net quota adjustment per API key and upstream, never a delta without one.
 * Whole batches are written as one set each unless a trigger skips a row (the set then splits).
 *
 * <p>Seeded with {@code java.util.Random}; a failure names the seed that rebuilds its world as
 * the first try: {@code -Dequivalence.seed=<seed>}; {@code -Dequivalence.tries=<n>} runs more.
 */
class WholeBatchEquivalenceTest {

    private static final int TRIES = Integer.getInteger("equivalence.tries", 30);
    private static final Clock CLOCK = Clock.fixed(RandomWorld.NOW, ZoneOffset.UTC);

    @RegisterExtension
    static final TestSqs SQS = TestSqs.perClass();

    private static Side setsOfOne;
    private static Side wholeBatch;

    /** One granularity with its own database and quota queue. */
    private record Side(Granularity granularity, TestDatabase.Db db, Connection setup, String queue) {
    }

    @BeforeAll
    static void start() throws SQLException {
        setsOfOne = side(Granularity.SETS_OF_ONE);
        wholeBatch = side(Granularity.WHOLE_BATCH);
    }

    @AfterAll
    static void stop() throws SQLException {
        setsOfOne.setup().close();
        wholeBatch.setup().close();
    }

    @Test
    void bothGranularitiesWriteTheSameRowsAnswerTheSameAndMoveQuotaTheSame() throws Exception {
        long seed = Long.getLong("equivalence.seed", new Random().nextLong());
        for (int t = 0; t < TRIES; t++) {
            long trySeed = seed + t;
            RandomWorld world = RandomWorld.generate(new Random(trySeed), "t" + t + "x" + Long.toHexString(trySeed));
            try {
                check(world);
            } catch (AssertionError e) {
                throw new AssertionError("try " + t + " failed; rebuild its world with -Dequivalence.seed=" + trySeed
                        + "\n" + e.getMessage(), e);
            }
        }
    }

    private static void check(RandomWorld world) throws Exception {
        world.applyTo(setsOfOne.setup());
        world.applyTo(wholeBatch.setup());
        RecordingMetrics setsOfOneMetrics = new RecordingMetrics();
        RecordingMetrics wholeBatchMetrics = new RecordingMetrics();

        List<SQSEvent> events = world.events();
        for (int b = 0; b < events.size(); b++) {
            if (b > 0) {
                world.applyCatalogChangesTo(setsOfOne.setup());
                world.applyCatalogChangesTo(wholeBatch.setup());
            }
            List<String> setsOfOneFailed = run(setsOfOne, events.get(b), setsOfOneMetrics);
            List<String> wholeBatchFailed = run(wholeBatch, events.get(b), wholeBatchMetrics);
            assertThat(wholeBatchFailed).as("response to batch " + b).isEqualTo(setsOfOneFailed);
        }
        if (!world.skipsRows()) {
            assertThat(wholeBatchMetrics.counted(Metric.SET_SPLITS)).as("every batch one set").isZero();
        }
        assertThat(snapshots(wholeBatch)).as("snapshot rows").isEqualTo(snapshots(setsOfOne));
        assertThat(netQuota(wholeBatch)).as("net quota per key and upstream").isEqualTo(netQuota(setsOfOne));
        for (Metric metric : List.of(Metric.MESSAGES_PROCESSED, Metric.SNAPSHOTS_WRITTEN, Metric.STALE_MESSAGES,
                Metric.INVALID_MESSAGES, Metric.BATCH_ITEM_FAILURES)) {
            assertThat(wholeBatchMetrics.counted(metric)).as(metric.metricName()).isEqualTo(setsOfOneMetrics.counted(metric));
        }
        for (Side side : List.of(setsOfOne, wholeBatch)) {
            assertThat(count(side, "SELECT count(*) FROM billing_quota_delta_outbox")).as("outbox left").isZero();
        }
    }

    private static List<String> run(Side side, SQSEvent event, RecordingMetrics metrics) {
        Map<String, String> env = side.granularity().environment(FunctionEnvironment.local(side.db(), SQS, side.queue()));
        try (HandlerFactory functions = new HandlerFactory()) {
            return failedIds(functions.billing(env, SQS.client(), () -> metrics, CLOCK).handle(event));
        }
    }

    /** Every snapshot row, by request, every column but id and created_at. */
    private static List<Map<String, Object>> snapshots(Side side) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement s = side.setup().createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM request_billing_snapshots ORDER BY request_log_id")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnName(i);
                    if (!column.equals("id") && !column.equals("created_at")) {
                        row.put(column, rs.getObject(i));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Drains the side's queue: the sum of every published adjustment per scope and id, zeros dropped. */
    private static Map<String, BigDecimal> netQuota(Side side) {
        Map<String, BigDecimal> net = new TreeMap<>();
        for (QuotaDelta delta : SQS.drainDeltas(side.queue())) {
            assertThat(delta.adjustments()).as("a published delta moves quota").isNotEmpty()
                    .allSatisfy(a -> assertThat(a.amount().signum()).isNotZero());
            for (Adjustment a : delta.adjustments()) {
                net.merge(a.scope().wireName() + ":" + a.id(), a.amount(), BigDecimal::add);
            }
        }
        net.replaceAll((key, amount) -> amount.stripTrailingZeros());
        net.values().removeIf(amount -> amount.signum() == 0);
        return net;
    }

    private static long count(Side side, String sql) throws SQLException {
        try (Statement s = side.setup().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Side side(Granularity granularity) throws SQLException {
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        return new Side(granularity, db, db.connect(), SQS.createQueue("deltas-" + granularity.name().toLowerCase(Locale.ROOT)));
    }
}
