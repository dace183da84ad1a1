package io.billingsnapshot.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A reference consumer of the quota-delta queue: applies every delta exactly once to a quota
 * table in PostgreSQL ({@link QuotaLedger}), whatever the queue repeats. One transaction per
 * message; the message is deleted only after it committed, so a crash between the two only
 * brings the message back, and its deltas are then skipped.
 *
 * <p>A malformed message is not applied, not even its valid deltas, and not deleted: it returns
 * after the visibility timeout and, after the queue's {@code maxReceiveCount} receives, the
 * queue's redrive policy moves it to the dead-letter queue, where it waits for a person. A message
 * whose transaction failed (the database unreachable, a deadlock) is left alike and retried.
 */
public final class QuotaConsumer {

    /** What one message came to. */
    public sealed interface Outcome {
        /** Committed and deleted: {@code applied} deltas applied now, {@code skipped} applied before. */
        record Applied(int applied, int skipped, boolean deleted) implements Outcome {
        }

        /** Off the contract: nothing applied, left for the dead-letter queue. */
        record Rejected(String reason) implements Outcome {
        }

        /** The transaction failed: nothing applied, left to return and be tried again. */
        record Failed(SQLException cause) implements Outcome {
        }
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final DataSource database;
    private final Duration visibilityTimeout;

    /**
     * @param visibilityTimeout how long a received message stays hidden from other consumers: longer
     *     than a message takes to apply (0 lets another consumer receive it at once, as when a slow
     *     consumer outlives its timeout)
     */
    public QuotaConsumer(SqsClient sqs, String queueUrl, DataSource database, Duration visibilityTimeout) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.database = database;
        this.visibilityTimeout = visibilityTimeout;
    }

    /** Receives up to ten messages (waiting at most {@code wait} for one) and handles each. */
    public List<Outcome> poll(Duration wait) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                .visibilityTimeout((int) visibilityTimeout.toSeconds()).waitTimeSeconds((int) wait.toSeconds()))
                .messages();
        List<Outcome> outcomes = new ArrayList<>(messages.size());
        for (Message message : messages) {
            Outcome outcome = apply(message.body());
            if (outcome instanceof Outcome.Applied applied) {
                outcome = new Outcome.Applied(applied.applied(), applied.skipped(), delete(message));
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /** Applies one message body in one transaction; nothing of it when it fails. */
    public Outcome apply(String body) {
        DeltaMessage message;
        try {
            message = DeltaMessage.parse(body);
        } catch (DeltaMessage.Malformed e) {
            return new Outcome.Rejected(e.getMessage());
        }
        try (Connection transaction = database.getConnection()) {
            transaction.setAutoCommit(false);
            try {
                int applied = QuotaLedger.apply(transaction, message.deltas());
                transaction.commit();
                return new Outcome.Applied(applied, message.deltas().size() - applied, false);
            } catch (SQLException e) {
                try {
                    transaction.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed); // a killed connection cannot roll back: the server did
                }
                throw e;
            }
        } catch (SQLException e) {
            return new Outcome.Failed(e);
        }
    }

    /** A delete that fails (a stale receipt handle, the queue unreachable) only brings the message back. */
    private boolean delete(Message message) {
        try {
            sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }
}
