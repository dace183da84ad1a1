package io.billingsnapshot.soak;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * One invocation of the soak, as the faults see it: its number in the run (the progress the
 * faults are scheduled by), the request logs of its batch in record order, and whether it
 * has returned yet.
 */
final class Invocation {

    private final long number;
    private final List<UUID> requestLogIds;
    private final CountDownLatch ended = new CountDownLatch(1);

    /** @param requestLogIds the batch's request logs; null for a record whose body is malformed */
    Invocation(long number, List<UUID> requestLogIds) {
        this.number = number;
        this.requestLogIds = requestLogIds;
    }

    long number() {
        return number;
    }

    /** The request logs its batch bills, malformed bodies left out. */
    List<UUID> requests() {
        return requestLogIds.stream().filter(Objects::nonNull).toList();
    }

    void end() {
        ended.countDown();
    }

    boolean hasEnded() {
        return ended.getCount() == 0;
    }
}
