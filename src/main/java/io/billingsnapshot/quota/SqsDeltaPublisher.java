package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.JsonLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Publishes deltas with {@code SendMessageBatch}, ten per call (the SQS limit). A batch call
 * can succeed as a whole and still reject entries, so each entry's result is checked. On a
 * FIFO queue the deduplication id is the deltaId and the group is the request, which keeps
 * one request's deltas in order.
 */
public final class SqsDeltaPublisher implements DeltaPublisher {

    static final int MAX_BATCH = 10;
    private static final JsonLog LOG = JsonLog.get(SqsDeltaPublisher.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;

    public SqsDeltaPublisher(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
    }

    @Override
    public Set<UUID> publish(List<QuotaDelta> deltas) {
        Set<UUID> accepted = new HashSet<>();
        for (int from = 0; from < deltas.size(); from += MAX_BATCH) {
            accepted.addAll(sendBatch(deltas.subList(from, Math.min(from + MAX_BATCH, deltas.size()))));
        }
        return accepted;
    }

    private Set<UUID> sendBatch(List<QuotaDelta> chunk) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            entries.add(entry(Integer.toString(i), chunk.get(i)));
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            for (BatchResultErrorEntry failed : response.failed()) {
                LOG.warn("delta_publish_rejected", "deltaId", chunk.get(Integer.parseInt(failed.id())).deltaId(),
                        "code", failed.code(), "senderFault", failed.senderFault());
            }
            Set<UUID> accepted = new HashSet<>();
            response.successful().forEach(ok -> accepted.add(chunk.get(Integer.parseInt(ok.id())).deltaId()));
            return accepted;
        } catch (SdkException e) {
            LOG.error("delta_publish_failed", e, "deltas", chunk.size());
            return Set.of();
        }
    }

    private SendMessageBatchRequestEntry entry(String id, QuotaDelta delta) {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(DeltaJson.write(delta));
        if (fifo) {
            entry.messageGroupId(delta.requestLogId().toString())
                    .messageDeduplicationId(delta.deltaId().toString());
        }
        return entry.build();
    }
}
