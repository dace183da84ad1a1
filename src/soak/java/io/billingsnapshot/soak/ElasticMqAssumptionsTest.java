package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.TestSqs;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What the driver relies on ElasticMQ for, pinned so that an upgrade that changes it
 * fails here rather than quietly weakening the soak.
 */
@Tag("soak")
class ElasticMqAssumptionsTest {

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();


    private List<Message> receive(String url) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(30)
                .messageSystemAttributeNamesWithStrings("All")).messages();
    }

    private void makeVisible(String url, Message message) {
        sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).toList();
    }

    @Test
    void theRedrivePolicyMovesAMessageToTheDeadLetterQueueOnTheReceiveAfterMaxReceiveCountKeepingItsId() {
        SourceQueue queue = SourceQueue.create(sqs, "redrive-" + UUID.randomUUID(), 2);
        SentMessage sent = queue.send("poison");

        for (int delivery = 1; delivery <= 2; delivery++) {
            Message received = receive(queue.url()).get(0);
            assertThat(received.messageId()).isEqualTo(sent.messageId());
            makeVisible(queue.url(), received);
        }
        List<Message> thirdReceive = receive(queue.url());

        assertThat(thirdReceive).isEmpty();
        assertThat(receive(queue.deadLetterUrl())).extracting(Message::messageId).containsExactly(sent.messageId());
    }

    @Test
    void aFifoGroupStaysBlockedWhileItsHeadMessageIsInFlight() {
        SourceQueue queue = SourceQueue.create(sqs, "groups-" + UUID.randomUUID() + ".fifo", 10);
        List.of("a0", "a1", "a2").forEach(body -> queue.send(body, "a"));
        List<Message> inFlight = receive(queue.url());
        assertThat(bodies(inFlight)).containsExactly("a0", "a1", "a2");

        // Released last one first (as the driver does): nothing is handed out until the head is back.
        makeVisible(queue.url(), inFlight.get(2));
        makeVisible(queue.url(), inFlight.get(1));
        List<Message> whileHeadInFlight = receive(queue.url());
        makeVisible(queue.url(), inFlight.get(0));
        List<Message> afterHeadReleased = receive(queue.url());

        assertThat(whileHeadInFlight).isEmpty();
        assertThat(bodies(afterHeadReleased)).containsExactly("a0", "a1", "a2");
    }

    /**
     * Where ElasticMQ is weaker than SQS (which blocks a group while any of its messages is
     * in flight): a released head is handed out while later messages of its group are still
     * in flight. Hence the driver's last-first release.
     */
    @Test
    void aReleasedFifoHeadIsHandedOutEvenWhileLaterMessagesOfItsGroupAreInFlight() {
        SourceQueue queue = SourceQueue.create(sqs, "groups-" + UUID.randomUUID() + ".fifo", 10);
        List.of("a0", "a1").forEach(body -> queue.send(body, "a"));
        List<Message> inFlight = receive(queue.url());

        makeVisible(queue.url(), inFlight.get(0));

        assertThat(bodies(receive(queue.url()))).containsExactly("a0");
    }
}
