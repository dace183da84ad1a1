package io.billingsnapshot.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Empties a dead-letter queue, pairing each message with the last failure seen for it. */
final class DeadLetterQueue {

    private final SqsClient sqs;
    private final String url;

    DeadLetterQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    List<DeadLetter> drain(Map<String, String> lastFailureByMessageId) {
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (List<Message> batch = receive(); !batch.isEmpty(); batch = receive()) {
            for (Message message : batch) {
                String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
                deadLetters.add(new DeadLetter(message.messageId(), message.body(),
                        count == null ? 0 : Integer.parseInt(count), lastFailureByMessageId.get(message.messageId())));
            }
            SqsBatches.delete(sqs, url, batch);
        }
        return deadLetters;
    }

    private List<Message> receive() {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(30)
                .waitTimeSeconds(0).messageSystemAttributeNamesWithStrings("All")).messages();
    }
}
