package io.billingsnapshot.reliability;

import io.billingsnapshot.testing.SqsRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A planned FIFO batch, and the batch rule stated on its own, independent of the handler's
 * code: a message group fails from its first failing record on.
 */
final class FifoPlan {

    private FifoPlan() {
    }

    /** What a record is made to do. */
    enum Kind {
        /** Billed: written, with a delta to publish. */
        GOOD,
        /** No tokens: written unbilled, no delta. */
        UNBILLED,
        /** Rejected by the parser. */
        INVALID,
        /** Its request log is not committed yet: fails until it is. */
        LOG_MISSING
    }

    record Planned(SqsRecord record, Kind kind, GoodMessage message) {
        String id() {
            return record.messageId();
        }

        String group() {
            return record.groupId();
        }

        @Override
        public String toString() {
            return id() + "/" + group() + "/" + kind;
        }
    }

    /** The rule, stated on its own: a group fails from its first failing record on. */
    static Set<String> expectedFailures(List<Planned> batch, boolean sqsDown) {
        Set<String> failedGroups = new HashSet<>();
        Set<String> failed = new LinkedHashSet<>();
        // Before publishing: a record fails when it fails itself or an earlier one of its group did.
        for (Planned p : batch) {
            if (failedGroups.contains(p.group()) || failsWhenProcessed(p.kind())) {
                failedGroups.add(p.group());
                failed.add(p.id());
            }
        }
        if (sqsDown) { // after publishing: a refused delta fails its record and the rest of its group
            Set<String> refusedGroups = new HashSet<>();
            for (Planned p : batch) {
                if (refusedGroups.contains(p.group()) || (!failed.contains(p.id()) && p.kind() == Kind.GOOD)) {
                    refusedGroups.add(p.group());
                    failed.add(p.id());
                }
            }
        }
        return failed;
    }

    /** The records whose snapshot the first delivery commits (even if a refused delta fails them after). */
    static Set<String> writtenByFirstDelivery(List<Planned> batch) {
        Set<String> processed = processed(batch);
        return ids(batch.stream().filter(p -> processed.contains(p.id())).toList(), kind -> !failsWhenProcessed(kind));
    }

    static Set<String> ids(List<Planned> batch, Predicate<Kind> kinds) {
        Set<String> ids = new LinkedHashSet<>();
        batch.stream().filter(p -> kinds.test(p.kind())).forEach(p -> ids.add(p.id()));
        return ids;
    }

    /** The records the handler gets to: those with no earlier failure in their group. */
    private static Set<String> processed(List<Planned> batch) {
        Set<String> failedGroups = new HashSet<>();
        Set<String> processed = new HashSet<>();
        for (Planned p : batch) {
            if (!failedGroups.contains(p.group())) {
                processed.add(p.id());
                if (failsWhenProcessed(p.kind())) {
                    failedGroups.add(p.group());
                }
            }
        }
        return processed;
    }

    private static boolean failsWhenProcessed(Kind kind) {
        return kind == Kind.INVALID || kind == Kind.LOG_MISSING;
    }

    /** The invalid records and every record after one in its group: what the receive limit dead-letters. */
    static List<String> behindAnInvalidRecord(List<Planned> batch) {
        Set<String> poisoned = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (Planned p : batch) {
            if (p.kind() == Kind.INVALID) {
                poisoned.add(p.group());
            }
            if (poisoned.contains(p.group())) {
                ids.add(p.id());
            }
        }
        return ids;
    }

    static Kind kindOf(List<Planned> batch, SqsRecord record) {
        return batch.stream().filter(p -> p.id().equals(record.messageId())).findFirst().orElseThrow().kind();
    }
}
