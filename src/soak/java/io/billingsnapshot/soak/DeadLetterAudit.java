package io.billingsnapshot.soak;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Which messages ended in the DLQ: the malformed ones (as they should), valid ones that were
 * queued behind a malformed one in the same FIFO message group (each receive of the poison
 * message was also a receive of them, so they reach maxReceiveCount with it, unprocessed),
 * and any other valid one: its receives ran out, by the faults' bad luck or by a bug (its last
 * failure reason tells which).
 */
record DeadLetterAudit(int invalid, int validBehindPoisonInGroup, int validOther,
        Map<String, Long> validOtherByReason) {

    DeadLetterAudit {
        validOtherByReason = Map.copyOf(validOtherByReason);
    }

    /**
     * @param groupByMessageId the FIFO message group of every message sent (empty on a standard queue)
     * @param requestLogIds    the requests of the workload: a message naming one of them is valid
     */
    static DeadLetterAudit of(Collection<DeadLetter> deadLetters, Collection<SentMessage> sent,
            Map<String, String> groupByMessageId, Set<UUID> requestLogIds) {
        Set<String> poisonedGroups = sent.stream().filter(m -> !valid(m.requestLogId(), requestLogIds))
                .map(m -> groupByMessageId.get(m.messageId())).filter(g -> g != null).collect(Collectors.toSet());
        int invalid = 0;
        int behindPoison = 0;
        int other = 0;
        Map<String, Long> otherByReason = new TreeMap<>();
        for (DeadLetter dead : deadLetters) {
            UUID requestLogId = SentMessage.of(dead.messageId(), dead.body()).requestLogId();
            if (!valid(requestLogId, requestLogIds)) {
                invalid++;
            } else if (poisonedGroups.contains(groupByMessageId.get(dead.messageId()))) {
                behindPoison++;
            } else {
                other++;
                otherByReason.merge(String.valueOf(dead.lastFailureReason()), 1L, Long::sum);
            }
        }
        return new DeadLetterAudit(invalid, behindPoison, other, otherByReason);
    }

    private static boolean valid(UUID requestLogId, Set<UUID> requestLogIds) {
        return requestLogId != null && requestLogIds.contains(requestLogId);
    }

    String text() {
        return String.format(Locale.ROOT,
                "%d malformed, %d valid queued behind a malformed one in their FIFO group, %d other valid %s",
                invalid, validBehindPoisonInGroup, validOther, validOtherByReason);
    }
}
