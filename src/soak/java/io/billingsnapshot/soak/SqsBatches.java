package io.billingsnapshot.soak;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/** Deletes up to ten received messages in one call. */
final class SqsBatches {

    private SqsBatches() {
    }

    static DeleteMessageBatchResponse delete(SqsClient sqs, String queueUrl, List<Message> messages) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle()).build());
        }
        return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
    }
}
