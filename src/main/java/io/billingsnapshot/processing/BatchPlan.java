package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.BilledAmount;
import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.QuotaDeltaCalculator;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.billing.SnapshotCalculator;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.store.SnapshotBatchSql.RequestRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What the fast path decides in memory, between its reads and its writes. Pure.
 *
 * <p>{@link #price} walks the batch in order, as the per-message path does, and fails a record
 * that is invalid, whose request log is missing, or whose prices yield no finite cost, and on a
 * FIFO source every later record of a group that has a failure. The other records are priced.
 * {@link #resolve} then applies the {@link OrderingRule} to each request's records against its
 * locked previous row: one row per request to upsert, and one delta per request, the net of
 * what the records would have published one by one, carried by the record whose row remains.
 */
final class BatchPlan {

    /** One SQS record: parsed, or invalid with a loggable reason. */
    record Entry(SQSMessage record, RequestCompletion message, String invalidReason) {
    }

    /** What the transaction writes, what it expects written, and each record's outcome once committed. */
    record Writes(List<Snapshot> rows, Set<UUID> expectedWritten, List<QuotaDelta> deltas, List<Outcome> outcomes) {
    }

    private record Priced(int index, Snapshot snapshot) {
    }

    private final Outcome[] outcomes;
    private final Map<UUID, List<Priced>> byRequest;
    private final int invalid;

    private BatchPlan(Outcome[] outcomes, Map<UUID, List<Priced>> byRequest, int invalid) {
        this.outcomes = outcomes;
        this.byRequest = byRequest;
        this.invalid = invalid;
    }

    /**
     * @param requests the request logs that exist, by id
     * @param catalogs the catalog of every model of the batch's messages
     */
    static BatchPlan price(List<Entry> entries, Map<UUID, RequestRow> requests, Map<String, ModelCatalog> catalogs) {
        Outcome[] outcomes = new Outcome[entries.size()];
        Map<UUID, List<Priced>> byRequest = new LinkedHashMap<>();
        Set<String> failedGroups = new HashSet<>();
        int invalid = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            String group = Records.messageGroupId(entry.record());
            if (group != null && failedGroups.contains(group)) {
                outcomes[i] = new Outcome.Failed("earlier_message_in_group_failed");
                continue;
            }
            RequestCompletion message = entry.message();
            RequestRow request = message == null ? null : requests.get(message.requestLogId());
            if (message == null) {
                invalid++;
                outcomes[i] = new Outcome.Failed("invalid_message: " + entry.invalidReason());
            } else if (request == null) {
                outcomes[i] = new Outcome.Failed("request_log_missing");
            } else {
                try {
                    ModelCatalog models = message.model() == null ? ModelCatalog.EMPTY : catalogs.get(message.model());
                    Snapshot snapshot = SnapshotCalculator.compute(message, request.references(), models,
                            request.multipliers());
                    byRequest.computeIfAbsent(message.requestLogId(), id -> new ArrayList<>()).add(new Priced(i, snapshot));
                } catch (RuntimeException e) {
                    outcomes[i] = new Outcome.Failed("internal_error"); // absurd prices: as the per-message path
                }
            }
            if (outcomes[i] != null && group != null) {
                failedGroups.add(group);
            }
        }
        return new BatchPlan(outcomes, byRequest, invalid);
    }

    /** The requests of the records that take part, whose previous rows must be locked. */
    Set<UUID> requests() {
        return byRequest.keySet();
    }

    /** Invalid messages among the records that were looked at (not those after a failure of their FIFO group). */
    int invalidMessages() {
        return invalid;
    }

    /** @param previous the stored row of each request that has one, locked */
    Writes resolve(Map<UUID, BilledAmount> previous, Supplier<UUID> deltaIds) {
        Outcome[] resolved = Arrays.copyOf(outcomes, outcomes.length);
        List<Snapshot> rows = new ArrayList<>(byRequest.size());
        Set<UUID> expectedWritten = new HashSet<>();
        List<QuotaDelta> deltas = new ArrayList<>();
        byRequest.forEach((requestLogId, priced) -> {
            Optional<BilledAmount> stored = Optional.ofNullable(previous.get(requestLogId));
            OrderingRule.Resolution resolution = OrderingRule.resolve(
                    priced.stream().map(Priced::snapshot).toList(), stored.map(BilledAmount::billedAt));
            rows.add(resolution.row());
            Optional<QuotaDelta> delta = Optional.empty();
            if (resolution.winner().isPresent()) {
                expectedWritten.add(requestLogId);
                delta = delta(stored, resolution.row(), deltaIds);
                delta.ifPresent(deltas::add);
            }
            for (int k = 0; k < priced.size(); k++) {
                int index = priced.get(k).index();
                boolean carriesDelta = resolution.winner().equals(Optional.of(k));
                resolved[index] = resolution.stale().get(k)
                        ? new Outcome.Stale()
                        : new Outcome.Written(carriesDelta ? delta : Optional.empty(), 0);
            }
        });
        return new Writes(rows, expectedWritten, deltas, List.of(resolved));
    }

    /** From the row before the batch to the row after it: the sum of the per-message deltas. */
    private static Optional<QuotaDelta> delta(Optional<BilledAmount> previous, Snapshot written, Supplier<UUID> ids) {
        List<Adjustment> adjustments = QuotaDeltaCalculator.adjustments(previous, written.billedAmount());
        return adjustments.isEmpty()
                ? Optional.empty()
                : Optional.of(new QuotaDelta(ids.get(), written.requestLogId(), written.billedAt(), written.currency(),
                        adjustments));
    }
}
