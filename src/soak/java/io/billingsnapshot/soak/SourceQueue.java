package io.billingsnapshot.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * A source queue with its dead-letter queue, wired the way production wires them: the
 * queue's own {@code RedrivePolicy} moves a message to the DLQ when it is received more
 * than {@code maxReceiveCount} times (ElasticMQ implements this, keeping the message id).
 * Every message sent through {@link #send} is kept in a ledger for the conservation check.
 */
public final class SourceQueue {

    private final SqsClient sqs;
    private final String url;
    private final String arn;
    private final String deadLetterUrl;
    private final int maxReceiveCount;
    private final boolean fifo;
    private final List<SentMessage> sent = new CopyOnWriteArrayList<>();

    private SourceQueue(SqsClient sqs, String url, String arn, String deadLetterUrl, int maxReceiveCount, boolean fifo) {
        this.sqs = sqs;
        this.url = url;
        this.arn = arn;
        this.deadLetterUrl = deadLetterUrl;
        this.maxReceiveCount = maxReceiveCount;
        this.fifo = fifo;
    }

    /** Creates {@code name} (FIFO when it ends in .fifo) and its DLQ {@code name-dlq}. */
    public static SourceQueue create(SqsClient sqs, String name, int maxReceiveCount) {
        boolean fifo = name.endsWith(".fifo");
        String base = fifo ? name.substring(0, name.length() - ".fifo".length()) : name;
        String deadLetterUrl = createQueue(sqs, base + "-dlq" + (fifo ? ".fifo" : ""), fifo, Map.of());
        String redrivePolicy = String.format(Locale.ROOT, """
                {"maxReceiveCount":"%d","deadLetterTargetArn":"%s"}""",
                maxReceiveCount, arnOf(sqs, deadLetterUrl));
        String url = createQueue(sqs, name, fifo, Map.of(QueueAttributeName.REDRIVE_POLICY, redrivePolicy));
        return new SourceQueue(sqs, url, arnOf(sqs, url), deadLetterUrl, maxReceiveCount, fifo);
    }

    /** Sends to a standard queue. */
    public SentMessage send(String body) {
        if (fifo) {
            throw new IllegalStateException("a FIFO queue needs a message group: use send(body, groupId)");
        }
        return record(body, sqs.sendMessage(r -> r.queueUrl(url).messageBody(body)).messageId());
    }

    /** Sends many bodies to a standard queue, ten per SendMessageBatch call; returns them in order. */
    public List<SentMessage> sendAll(List<String> bodies) {
        if (fifo) {
            throw new IllegalStateException("a FIFO queue needs a message group: use send(body, groupId)");
        }
        List<SentMessage> sentNow = new ArrayList<>();
        for (int from = 0; from < bodies.size(); from += 10) {
            List<String> chunk = bodies.subList(from, Math.min(from + 10, bodies.size()));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(chunk.get(i)).build());
            }
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries));
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("the queue refused messages: " + response.failed());
            }
            Map<String, String> messageIdByEntry = new HashMap<>();
            response.successful().forEach(ok -> messageIdByEntry.put(ok.id(), ok.messageId()));
            for (int i = 0; i < chunk.size(); i++) {
                sentNow.add(record(chunk.get(i), messageIdByEntry.get(Integer.toString(i))));
            }
        }
        return sentNow;
    }

    /**
     * Sends to a FIFO queue. Each send gets its own deduplication id, so that a deliberate
     * duplicate body is delivered twice, as the gateway's retries would be.
     */
    public SentMessage send(String body, String groupId) {
        if (!fifo) {
            throw new IllegalStateException("a standard queue has no message groups: use send(body)");
        }
        SendMessageRequest request = SendMessageRequest.builder().queueUrl(url).messageBody(body)
                .messageGroupId(groupId).messageDeduplicationId(UUID.randomUUID().toString()).build();
        return record(body, sqs.sendMessage(request).messageId());
    }

    private SentMessage record(String body, String messageId) {
        SentMessage message = SentMessage.of(messageId, body);
        sent.add(message);
        return message;
    }

    public List<SentMessage> sent() {
        return List.copyOf(sent);
    }

    public String url() {
        return url;
    }

    public String arn() {
        return arn;
    }

    public String deadLetterUrl() {
        return deadLetterUrl;
    }

    public int maxReceiveCount() {
        return maxReceiveCount;
    }

    public boolean fifo() {
        return fifo;
    }

    private static String createQueue(SqsClient sqs, String name, boolean fifo, Map<QueueAttributeName, String> attributes) {
        Map<QueueAttributeName, String> all = new HashMap<>(attributes);
        if (fifo) {
            all.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        return sqs.createQueue(r -> r.queueName(name).attributes(all)).queueUrl();
    }

    private static String arnOf(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }
}
