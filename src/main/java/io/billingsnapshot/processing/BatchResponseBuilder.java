package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch's failed records, each logged once with its reason, and the response that lists
 * them. Built last, after publishing: a record whose delta SQS did not confirm fails too, and on
 * a FIFO source so do the later records of its group.
 */
final class BatchResponseBuilder {

    private static final JsonLog LOG = JsonLog.get(BatchResponseBuilder.class);

    private final List<SQSMessage> records;
    private final Map<String, Outcome.Failed> failed = new LinkedHashMap<>();

    BatchResponseBuilder(List<SQSMessage> records) {
        this.records = records;
    }

    /** Reports the record failed (SQS redelivers it) and logs why; never the body. */
    void fail(SQSMessage record, Outcome.Failed why, Object... fields) {
        if (failed.putIfAbsent(record.getMessageId(), why) != null) {
            return;
        }
        Object[] keyValues = new Object[fields.length + 6];
        keyValues[0] = "messageId";
        keyValues[1] = record.getMessageId();
        keyValues[2] = "reason";
        keyValues[3] = why.reason().wireName();
        keyValues[4] = "detail";
        keyValues[5] = why.detail();
        System.arraycopy(fields, 0, keyValues, 6, fields.length);
        LOG.warn(LogEvent.RECORD_FAILED, keyValues);
    }

    int failureCount() {
        return failed.size();
    }

    SQSBatchResponse build() {
        FifoGroups groups = new FifoGroups();
        for (SQSMessage record : records) {
            if (groups.blocks(record)) {
                fail(record, FailureReason.EARLIER_MESSAGE_IN_GROUP_FAILED.failure());
            } else if (failed.containsKey(record.getMessageId())) {
                groups.failed(record);
            }
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (String id : failed.keySet()) {
            failures.add(new SQSBatchResponse.BatchItemFailure(id));
        }
        return new SQSBatchResponse(failures);
    }
}
