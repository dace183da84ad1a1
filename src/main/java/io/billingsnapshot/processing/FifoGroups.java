package io.billingsnapshot.processing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.HashSet;
import java.util.Set;

/**
 * The FIFO rule (docs/design.md §7): once a record of a message group fails, the later records of
 * that group in the batch fail too, unprocessed, so SQS never deletes a message ahead of an
 * earlier one it will redeliver. Records of a standard queue have no group and are never blocked,
 * even when they carry a MessageGroupId (a fair queue's tenant).
 */
final class FifoGroups {

    private final Set<String> failed;

    FifoGroups() {
        this(new HashSet<>());
    }

    private FifoGroups(Set<String> failed) {
        this.failed = failed;
    }

    /** True when an earlier record of this record's group failed. */
    boolean blocks(SQSMessage record) {
        return Records.fifoGroup(record).map(failed::contains).orElse(false);
    }

    void failed(SQSMessage record) {
        Records.fifoGroup(record).ifPresent(failed::add);
    }

    /** A copy for one transaction's plan: its failures count only if it commits. */
    FifoGroups copy() {
        return new FifoGroups(new HashSet<>(failed));
    }
}
