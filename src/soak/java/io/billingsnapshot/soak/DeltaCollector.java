package io.billingsnapshot.soak;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.PublishedMessage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Plays the quota tracker: drains the quota-delta queue, reads each message into its deltas
 * (through the tests' one reader, {@link PublishedMessage}), keeps every publication of a delta,
 * dedupes on {@code deltaId} (delivery is at least once, and a re-publication may pack a delta
 * with others), and sums the adjustments of the distinct deltas per API key and upstream,
 * exactly, in BigDecimal. A deltaId seen again with other contents is a conflict; a message off
 * the contract is kept as malformed. Safe to drain from several threads, and repeatedly during a
 * run.
 */
public final class DeltaCollector {

    private final SqsClient sqs;
    private final String queueUrl;
    private final Map<UUID, PublishedDelta> distinct = new LinkedHashMap<>();
    private final List<DeltaConflict> conflicts = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private int messages;
    private int publications;
    private int duplicates;

    public DeltaCollector(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Receives and deletes until the queue answers empty; returns how many it took this time. */
    public synchronized int drain() {
        int taken = 0;
        for (List<Message> batch = receive(); !batch.isEmpty(); batch = receive()) {
            batch.forEach(message -> accept(message.messageId(), message.body()));
            SqsBatches.delete(sqs, queueUrl, batch);
            taken += batch.size();
        }
        return taken;
    }

    private List<Message> receive() {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(30)
                .waitTimeSeconds(0)).messages();
    }

    synchronized void accept(String messageId, String body) {
        messages++;
        List<QuotaDelta> deltas;
        try {
            deltas = PublishedMessage.deltas(body);
        } catch (IllegalArgumentException offContract) {
            publications++;
            malformed.add(messageId + ": " + offContract.getMessage());
            return;
        }
        for (QuotaDelta read : deltas) {
            publications++;
            PublishedDelta delta = PublishedDelta.of(read);
            PublishedDelta first = distinct.putIfAbsent(delta.deltaId(), delta);
            if (first == null) {
                continue;
            }
            if (first.equals(delta)) {
                duplicates++;
            } else {
                conflicts.add(new DeltaConflict(delta.deltaId().toString(), first.toString(), delta.toString()));
            }
        }
    }

    /** Sum of the adjustments of each distinct delta (its first publication), per target. */
    public synchronized Map<AdjustmentTarget, BigDecimal> sums() {
        Map<AdjustmentTarget, BigDecimal> sums = new LinkedHashMap<>();
        for (PublishedDelta delta : distinct.values()) {
            for (PublishedDelta.Adjustment adjustment : delta.adjustments()) {
                sums.merge(adjustment.target(), adjustment.amount(), BigDecimal::add);
            }
        }
        return sums;
    }

    public BigDecimal sumFor(AdjustmentTarget target) {
        return sums().getOrDefault(target, BigDecimal.ZERO);
    }

    /** Messages taken from the queue, malformed ones included. */
    public synchronized int messages() {
        return messages;
    }

    /** Every delta taken from the queue (duplicates included), and each malformed message. */
    public synchronized int publications() {
        return publications;
    }

    public synchronized int distinctDeltas() {
        return distinct.size();
    }

    /** Publications repeating an earlier one of the same deltaId with the same contents. */
    public synchronized int duplicatePublications() {
        return duplicates;
    }

    public synchronized List<DeltaConflict> conflicts() {
        return List.copyOf(conflicts);
    }

    public synchronized List<String> malformed() {
        return List.copyOf(malformed);
    }

    public synchronized String summary() {
        return String.format(Locale.ROOT,
                "%d messages, %d delta publications: %d distinct deltas, %d duplicates, %d conflicting, %d malformed",
                messages, publications, distinct.size(), duplicates, conflicts.size(), malformed.size());
    }
}
