package io.billingsnapshot.soak;

import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.processing.FailureReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Everything one chaos soak did and found; {@link #text()} is what it prints. */
record ChaosReport(
        ChaosSettings settings,
        Instant startedAt,
        Duration duration,
        String machine,
        ChaosWorkload.Counts workload,
        int messagesSent,
        Faults faults,
        HandlerTallies handlers,
        MappingReport mapping,
        FinalSweep finalSweep,
        Deltas deltas,
        ConservationResult conservation,
        List<String> newestVersionViolations,
        DeadLetterAudit deadLetters) {

    /** The faults injected, by kind, over {@code invocations} invocations. */
    record Faults(long invocations, int apiKeysDeleted, int upstreamsDeleted, long deletionsAHandlerRanInto,
            long deletionsRefused, Map<String, Long> backendsKilledByState, long deltaQueueOutages,
            long publishesFailedInOutages, long deltaQueueStalls, long publishesFailedInStalls,
            long cutOffBeforePublishing, long cutOffAfterPublishing, long environmentRestarts,
            Map<String, Long> faultsNotInjected) {

        long backendsKilled() {
            return backendsKilledByState.values().stream().mapToLong(Long::longValue).sum();
        }

        /** One line of counts, for comparing runs. */
        String counts() {
            return String.format(Locale.ROOT,
                    "invocations=%d deletes=%d (keys %d, upstreams %d; a handler ran into %d) kills=%d outages=%d "
                    + "(publishes failed %d) stalls=%d (publishes failed %d) cutOffBefore=%d cutOffAfter=%d "
                    + "restarts=%d", invocations, apiKeysDeleted + upstreamsDeleted, apiKeysDeleted,
                    upstreamsDeleted, deletionsAHandlerRanInto, backendsKilled(), deltaQueueOutages,
                    publishesFailedInOutages, deltaQueueStalls, publishesFailedInStalls, cutOffBeforePublishing,
                    cutOffAfterPublishing, environmentRestarts);
        }
    }

    /** The scheduled sweep after the stream drained and the lease passed. */
    record FinalSweep(int invocations, long deltasPublished, long pendingAfter) {
    }

    /** What the quota tracker received. */
    record Deltas(int publications, int distinct, int duplicates) {
    }

    boolean passed() {
        return conservation.passed() && newestVersionViolations.isEmpty() && mapping.stoppedBy() == StopReason.DRAINED
                && mapping.groupOverlaps() == 0 && finalSweep.pendingAfter() == 0;
    }

    String text() {
        return String.format(Locale.ROOT, """
                ==== Chaos soak %s: %s ====
                settings      : %s
                run           : started %s, %d s, on %s
                messages      : %d sent = %d requests + %d duplicates + %d extra versions (shuffled) + %d invalid
                faults        : %d API keys and %d upstreams deleted mid-flight (%d ran into by a handler, \
                %d deletions refused), %d backends killed %s, %d delta-queue outages (%d publishes failed), \
                %d delta-queue stalls (%d publishes failed), %d invocations cut off before publishing and %d \
                after, %d environments restarted; not injected: %s
                FK races lost : %d records retried with NULL (%s), %d sets split on a 23503
                handlers      : %d invocations; %d snapshots written, %d stale, %d invalid, %d deltas published, \
                %d publish failures
                redeliveries  : %d
                failures      : %s
                final sweep   : %d invocations published %d deltas; pending after: %d
                deltas        : %d publications, %d distinct, %d duplicates published (at least once)
                newest version: %s
                dead letters  : %s
                %s%s""",
                settings.fifo() ? "FIFO" : "standard", passed() ? "PASSED" : "FAILED",
                settings.describe(),
                startedAt, duration.toSeconds(), machine,
                messagesSent, workload.requestLogs(), workload.duplicates(), workload.extraVersions(),
                workload.invalid(),
                faults.apiKeysDeleted(), faults.upstreamsDeleted(), faults.deletionsAHandlerRanInto(),
                faults.deletionsRefused(), faults.backendsKilled(), faults.backendsKilledByState(),
                faults.deltaQueueOutages(), faults.publishesFailedInOutages(), faults.deltaQueueStalls(),
                faults.publishesFailedInStalls(), faults.cutOffBeforePublishing(), faults.cutOffAfterPublishing(),
                faults.environmentRestarts(), faults.faultsNotInjected(),
                handlers.fkRetriesTotal(), fkRetriesByColumn(), handlers.fkFallbacks(),
                handlers.invocations(), handlers.count(Metric.SNAPSHOTS_WRITTEN), handlers.count(Metric.STALE_MESSAGES),
                handlers.count(Metric.INVALID_MESSAGES), handlers.count(Metric.DELTAS_PUBLISHED),
                handlers.count(Metric.DELTA_PUBLISH_FAILURES),
                mapping.redeliveries(),
                failuresByReason(),
                finalSweep.invocations(), finalSweep.deltasPublished(), finalSweep.pendingAfter(),
                deltas.publications(), deltas.distinct(), deltas.duplicates(),
                newestVersionViolations.isEmpty() ? "every snapshot holds its request's newest version"
                        : newestVersionViolations.size() + " VIOLATIONS, e.g. " + newestVersionViolations.get(0),
                deadLetters.text(),
                mapping.summary(), conservation.report());
    }

    private String fkRetriesByColumn() {
        return handlers.fkRetries().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().columnName() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Failures by reason, the invalid-message reasons folded into one count. */
    private String failuresByReason() {
        String invalid = FailureReason.INVALID_MESSAGE.wireName();
        Map<String, Long> folded = mapping.failuresByReason().entrySet().stream().collect(Collectors.groupingBy(
                e -> e.getKey().startsWith(invalid) ? invalid + " (all kinds)" : e.getKey(),
                java.util.TreeMap::new, Collectors.summingLong(Map.Entry::getValue)));
        return folded.isEmpty() ? "none" : folded.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
