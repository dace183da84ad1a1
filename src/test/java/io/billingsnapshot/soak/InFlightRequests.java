package io.billingsnapshot.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The requests the handlers are about to bill, so that the chaos deleter can delete a key or
 * upstream a handler will write in the next few milliseconds: the FK race then happens often
 * instead of by rare luck. It is still the real race; whether a handler loses it depends on
 * timing alone.
 */
final class InFlightRequests {

    /** How many of a batch's next records are candidates. */
    private static final int LOOKAHEAD = 3;

    /** A batch being handled: its request log ids in record order (null for a malformed body) and its progress. */
    private record Batch(List<UUID> requestLogIds, IntSupplier recordsStarted) {
    }

    private final Map<Object, Batch> batches = new ConcurrentHashMap<>();

    void enter(Object handler, List<UUID> requestLogIds, IntSupplier recordsStarted) {
        batches.put(handler, new Batch(requestLogIds, recordsStarted));
    }

    void leave(Object handler) {
        batches.remove(handler);
    }

    /** A request among the next records some handler has not started yet. */
    Optional<UUID> next(Random random) {
        List<UUID> candidates = new ArrayList<>();
        for (Batch batch : batches.values()) {
            int from = batch.recordsStarted().getAsInt();
            for (int i = from; i < Math.min(from + LOOKAHEAD, batch.requestLogIds().size()); i++) {
                if (batch.requestLogIds().get(i) != null) {
                    candidates.add(batch.requestLogIds().get(i));
                }
            }
        }
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(random.nextInt(candidates.size())));
    }
}
