package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.testing.TestDatabase;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Test-only stand-in for the real handler, just enough to run the whole harness end to
 * end: a body {@code {"requestLogId": ..., "cost": ...}} becomes a billed snapshot (first
 * write wins) and a delta of +cost to the request's key and upstream, with a deltaId
 * derived from the request log so that republishing it is a duplicate. Published on every
 * delivery, so redeliveries produce duplicate publications. A body without a valid
 * requestLogId is reported failed. With {@code forgetful} it "forgets" to publish for a
 * cost of 0.13, the kind of loss the conservation check must catch.
 */
final class ToyBillingHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSERT_SNAPSHOT = """
            INSERT INTO request_billing_snapshots
              (request_log_id, api_key_id, upstream_id, model, billing_status, final_cost, billed_at)
            SELECT id, api_key_id, upstream_id, 'toy', 'billed', ?, now() FROM request_logs WHERE id = ?
            ON CONFLICT (request_log_id) DO NOTHING
            """;
    private static final String WRITTEN_SNAPSHOT = """
            SELECT api_key_id, upstream_id, final_cost FROM request_billing_snapshots WHERE request_log_id = ?
            """;

    private final TestDatabase.Db db;
    private final SqsClient sqs;
    private final String deltaQueueUrl;
    private final boolean forgetful;

    ToyBillingHandler(TestDatabase.Db db, SqsClient sqs, String deltaQueueUrl, boolean forgetful) {
        this.db = db;
        this.sqs = sqs;
        this.deltaQueueUrl = deltaQueueUrl;
        this.forgetful = forgetful;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage record : event.getRecords()) {
            try {
                bill(JSON.readTree(record.getBody()));
            } catch (Exception e) {
                failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    private void bill(JsonNode message) throws Exception {
        UUID requestLogId = UUID.fromString(message.path("requestLogId").asText());
        BigDecimal cost = message.path("cost").decimalValue();
        try (Connection connection = db.connect()) {
            try (PreparedStatement insert = connection.prepareStatement(INSERT_SNAPSHOT)) {
                insert.setDouble(1, cost.doubleValue());
                insert.setObject(2, requestLogId);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(WRITTEN_SNAPSHOT)) {
                select.setObject(1, requestLogId);
                try (ResultSet written = select.executeQuery()) {
                    if (!written.next()) {
                        throw new IllegalStateException(FailureReason.REQUEST_LOG_MISSING.wireName());
                    }
                    publish(requestLogId, written.getObject(1, UUID.class), written.getObject(2, UUID.class),
                            BigDecimal.valueOf(written.getDouble(3)));
                }
            }
        }
    }

    private void publish(UUID requestLogId, UUID apiKey, UUID upstream, BigDecimal cost) {
        if (forgetful && cost.compareTo(new BigDecimal("0.13")) == 0) {
            return;
        }
        String body = String.format(Locale.ROOT, """
                {"deltas":[{"deltaId":"%s","requestLogId":"%s","billedAt":"%s","currency":"USD","adjustments":[\
                {"scope":"api_key","id":"%s","amount":%s},{"scope":"upstream","id":"%s","amount":%s}]}]}""",
                UUID.nameUUIDFromBytes(requestLogId.toString().getBytes(StandardCharsets.UTF_8)), requestLogId,
                        Instant.EPOCH, apiKey, cost.toPlainString(), upstream, cost.toPlainString());
        sqs.sendMessage(r -> r.queueUrl(deltaQueueUrl).messageBody(body));
    }
}
