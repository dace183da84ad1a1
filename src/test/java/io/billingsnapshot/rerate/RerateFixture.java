package io.billingsnapshot.rerate;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.metrics.RerateMetrics;
import io.billingsnapshot.store.SnapshotRange;
import io.billingsnapshot.testing.BillingFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The billing fixture (a real PostgreSQL and SQS queue) plus re-rate handlers wired to them the
 * way Lambda wires the function, and the payloads as Lambda's own serializer reads and writes
 * them. Use as a {@code @RegisterExtension} field.
 */
final class RerateFixture implements AfterEachCallback {

    /** {@code Map<String, Object>}, the handler's input and output type, as the Lambda runtime resolves it. */
    private static final Type PAYLOAD = payloadType();
    private static final PojoSerializer<Object> LAMBDA_JSON = JacksonFactory.getInstance().getSerializer(PAYLOAD);

    final BillingFixture billing = new BillingFixture();
    final ByteArrayOutputStream emf = new ByteArrayOutputStream();

    /** A re-rate handler as Lambda builds it, with this clock and chunk size. */
    RerateHandler handler(Clock clock, int chunkRows) {
        return handler(clock, chunkRows, Map.of());
    }

    /** The same, with some environment variables set differently. */
    RerateHandler handler(Clock clock, int chunkRows, Map<String, String> environment) {
        return handler(clock, chunkRows, environment, new SnapshotRange());
    }

    /** The same, walking {@code range}: a table size limit other than production's. */
    RerateHandler handler(Clock clock, int chunkRows, SnapshotRange range) {
        return handler(clock, chunkRows, Map.of(), range);
    }

    private RerateHandler handler(Clock clock, int chunkRows, Map<String, String> environment, SnapshotRange range) {
        Map<String, String> env = billing.environment();
        env.putAll(environment);
        return billing.functions.rerate(env, range, billing.sqs.client(),
                // EMF refuses timestamps more than two weeks old: the metrics keep the real clock.
                RerateMetrics.emf("BillingSnapshotTest", new PrintStream(emf, true, StandardCharsets.UTF_8),
                        Clock.systemUTC()),
                clock, chunkRows);
    }

    /** The payload as the Lambda runtime hands it to the handler. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> payload(String json) {
        return (Map<String, Object>) LAMBDA_JSON.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The response as the Lambda runtime writes it (out.json of aws lambda invoke). */
    static String responseJson(Map<String, Object> response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LAMBDA_JSON.toJson(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static Map<String, Object> invoke(RerateHandler handler, String json) {
        return handler.handleRequest(payload(json), null);
    }

    /** Every row of the snapshot table, every column, ordered: to prove that nothing changed. */
    List<Map<String, Object>> snapshotTable() {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = billing.db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM request_billing_snapshots ORDER BY request_log_id")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The net of these deltas per scope and id, each deltaId counted once, as a deduplicating consumer sums them. */
    static Map<String, BigDecimal> net(Collection<QuotaDelta> deltas) {
        Map<UUID, QuotaDelta> unique = new LinkedHashMap<>();
        deltas.forEach(d -> unique.putIfAbsent(d.deltaId(), d));
        Map<String, BigDecimal> net = new TreeMap<>();
        for (QuotaDelta delta : unique.values()) {
            for (Adjustment a : delta.adjustments()) {
                net.merge(a.scope().wireName() + ":" + a.id(), a.amount(), BigDecimal::add);
            }
        }
        net.values().removeIf(amount -> amount.signum() == 0);
        net.replaceAll((key, amount) -> amount.stripTrailingZeros());
        return net;
    }

    /** The report's adjustments in the form of {@link #net}. */
    @SuppressWarnings("unchecked")
    static Map<String, BigDecimal> net(Map<String, Object> report) {
        Map<String, BigDecimal> net = new TreeMap<>();
        for (Object entry : (List<Object>) report.get("adjustments")) {
            Map<String, Object> adjustment = (Map<String, Object>) entry;
            net.merge(adjustment.get("scope") + ":" + adjustment.get("id"),
                    new BigDecimal(adjustment.get("amount").toString()), BigDecimal::add);
        }
        net.replaceAll((key, amount) -> amount.stripTrailingZeros());
        return net;
    }

    /**
     * What the billed snapshots charge, per scope and id: the sum every key's and upstream's
     * published deltas must come to.
     */
    Map<String, BigDecimal> billedCosts() {
        Map<String, BigDecimal> costs = new TreeMap<>();
        try (Connection c = billing.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT api_key_id, upstream_id, final_cost FROM request_billing_snapshots
                WHERE billing_status = 'billed' AND final_cost > 0""")) {
            while (rs.next()) {
                BigDecimal cost = BigDecimal.valueOf(rs.getDouble("final_cost"));
                if (rs.getObject("api_key_id") != null) {
                    costs.merge("api_key:" + rs.getObject("api_key_id"), cost, BigDecimal::add);
                }
                if (rs.getObject("upstream_id") != null) {
                    costs.merge("upstream:" + rs.getObject("upstream_id"), cost, BigDecimal::add);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        costs.replaceAll((key, amount) -> amount.stripTrailingZeros());
        return costs;
    }

    long outboxRows() {
        return billing.count("SELECT count(*) FROM billing_quota_delta_outbox");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        billing.close();
    }

    private static Type payloadType() {
        try {
            return RerateHandler.class.getMethod("handleRequest", Map.class,
                    com.amazonaws.services.lambda.runtime.Context.class).getGenericParameterTypes()[0];
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
