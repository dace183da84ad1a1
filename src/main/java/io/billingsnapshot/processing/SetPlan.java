package io.billingsnapshot.processing;

import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.billing.SnapshotCalculator;
import io.billingsnapshot.billing.UnbillableReason;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.store.RequestLogs.RequestRow;
import io.billingsnapshot.write.SnapshotWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a set's transaction decides in memory between its reads and its writes. Pure.
 *
 * <p>Walks the set in batch order, as processing the records one by one would: a record blocked
 * by its FIFO group, refused by the parser or whose request log is missing fails (and blocks the
 * later records of its group); every other one is priced into the snapshot the write step gets.
 */
final class SetPlan {

    private final Outcome[] outcomes;
    private final List<Integer> plannedPositions = new ArrayList<>();
    private final List<Snapshot> planned = new ArrayList<>();

    /**
     * @param groups the FIFO groups failed so far; this plan's failures are added to it
     * @param requests the request logs that exist, by id
     * @param catalogs the catalog of every model of the set's messages
     * @param nulled the reference the FK retry sets NULL (a set of one), if any
     */
    SetPlan(List<ParsedRecord> set, FifoGroups groups, Map<UUID, RequestRow> requests,
            Map<String, ModelCatalog> catalogs, Optional<ReferenceColumn> nulled) {
        this.outcomes = new Outcome[set.size()];
        for (int p = 0; p < set.size(); p++) {
            ParsedRecord item = set.get(p);
            Optional<Outcome.Failed> failed = groups.blocks(item.record())
                    ? Optional.of(FailureReason.EARLIER_MESSAGE_IN_GROUP_FAILED.failure())
                    : price(p, item, requests, catalogs, nulled);
            if (failed.isPresent()) {
                outcomes[p] = failed.get();
                groups.failed(item.record());
            }
        }
    }

    private Optional<Outcome.Failed> price(int position, ParsedRecord item, Map<UUID, RequestRow> requests,
            Map<String, ModelCatalog> catalogs, Optional<ReferenceColumn> nulled) {
        if (item.message().isEmpty()) {
            return item.refused();
        }
        RequestCompletion message = item.message().get();
        RequestRow request = requests.get(message.requestLogId());
        if (request == null) {
            return Optional.of(FailureReason.REQUEST_LOG_MISSING.failure());
        }
        try {
            ModelCatalog models = ModelCatalog.forModel(catalogs, message.model());
            Snapshot snapshot = SnapshotCalculator.compute(message, request.references(), models, request.multipliers());
            planned.add(nulled.map(snapshot::withNull).orElse(snapshot));
            plannedPositions.add(position);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(Outcome.Failed.causedBy(e));
        }
    }

    /** The priced snapshots, in batch order, for the write step. */
    List<Snapshot> planned() {
        return planned;
    }

    /** Every record's outcome once the write step's results (one per planned snapshot) are committed. */
    List<Outcome> outcomes(List<SnapshotWriter.Result> results) {
        Outcome[] all = outcomes.clone();
        for (int k = 0; k < results.size(); k++) {
            SnapshotWriter.Result result = results.get(k);
            all[plannedPositions.get(k)] = result.stale() ? new Outcome.Stale() : new Outcome.Written(result.delta(),
                    UnbillableReason.fromWireName(planned.get(k).unbillableReason()));
        }
        return List.of(all);
    }
}
