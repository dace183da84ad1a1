package io.billingsnapshot.soak;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Watches that no FIFO message group is being handled by two invocations at once. The
 * queue is what prevents it (ElasticMQ blocks a group while its head message is in
 * flight); this only counts violations, so a test and the soak can prove it held.
 */
final class MessageGroupGuard {

    private final Map<String, Integer> invocationsPerGroup = new ConcurrentHashMap<>();
    private final AtomicLong overlaps = new AtomicLong();

    void enter(List<Message> batch) {
        groupsOf(batch).forEach(group -> {
            if (invocationsPerGroup.merge(group, 1, Integer::sum) > 1) {
                overlaps.incrementAndGet();
            }
        });
    }

    void leave(List<Message> batch) {
        groupsOf(batch).forEach(group -> invocationsPerGroup.computeIfPresent(group, (g, n) -> n == 1 ? null : n - 1));
    }

    long overlaps() {
        return overlaps.get();
    }

    private static Set<String> groupsOf(List<Message> batch) {
        Set<String> groups = new HashSet<>();
        for (Message message : batch) {
            String group = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            if (group != null) {
                groups.add(group);
            }
        }
        return groups;
    }
}
