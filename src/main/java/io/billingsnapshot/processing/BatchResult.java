package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.logging.JsonLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The failed records of one batch, in batch order. On a FIFO source a failure also fails
 * every later record of the same message group, so SQS never deletes a message ahead of an
 * earlier one it will redeliver.
 */
final class BatchResult {

    private static final JsonLog LOG = JsonLog.get(BatchResult.class);

    private final List<SQSMessage> records;
    private final Set<String> failedMessageIds = new LinkedHashSet<>();
    private final Set<String> failedGroups = new HashSet<>();

    BatchResult(List<SQSMessage> records) {
        this.records = records;
    }

    void fail(SQSMessage record) {
        failedMessageIds.add(record.getMessageId());
        String group = Records.messageGroupId(record);
        if (group != null) {
            failedGroups.add(group);
        }
    }

    /** True when an earlier record of this record's FIFO message group failed. */
    boolean groupFailed(SQSMessage record) {
        String group = Records.messageGroupId(record);
        return group != null && failedGroups.contains(group);
    }

    boolean failed(SQSMessage record) {
        return failedMessageIds.contains(record.getMessageId());
    }

    /** Fails the later records of every FIFO group that has a failure (failures found after processing). */
    void closeFailedGroups() {
        Set<String> seenFailure = new HashSet<>();
        for (SQSMessage record : records) {
            String group = Records.messageGroupId(record);
            if (group == null) {
                continue;
            }
            if (seenFailure.contains(group)) {
                if (failedMessageIds.add(record.getMessageId())) {
                    LOG.warn("record_failed", "messageId", record.getMessageId(),
                            "reason", "earlier_message_in_group_failed");
                }
            } else if (failed(record)) {
                seenFailure.add(group);
            }
        }
    }

    int failureCount() {
        return failedMessageIds.size();
    }

    SQSBatchResponse toResponse() {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (String id : failedMessageIds) {
            failures.add(new SQSBatchResponse.BatchItemFailure(id));
        }
        return new SQSBatchResponse(failures);
    }
}
