package io.billingsnapshot.soak;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only handler whose behaviour each message body scripts: {@code label} or
 * {@code label:behaviour}, where behaviour is {@code fail} (always reported failed),
 * {@code fail-first} (failed on its first delivery), {@code crash} / {@code crash-first}
 * (the invocation throws), {@code slow-first} (the first invocation holding it sleeps past
 * any short timeout) or {@code bad-response-first} (the response names an id not in the
 * batch). Like the real handler on a FIFO source, once a record of a group fails, the
 * later records of that group in the batch are failed unprocessed. It keeps what it saw,
 * and checks independently of the driver that no group is in two invocations at once.
 */
final class ScriptedHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String FAILURE_REASON = "scripted failure";

    private final long sleepMillisPerInvocation;
    private final MutableClock clock;
    private final List<List<SQSEvent.SQSMessage>> invocations = new CopyOnWriteArrayList<>();
    private final List<String> processedLabels = new CopyOnWriteArrayList<>();
    private final List<Integer> remainingMillisSeen = new CopyOnWriteArrayList<>();
    private final Map<String, String> failureReasons = new ConcurrentHashMap<>();
    private final Set<String> groupsInProgress = ConcurrentHashMap.newKeySet();
    private final AtomicInteger groupOverlaps = new AtomicInteger();

    ScriptedHandler() {
        this(0, null);
    }

    /** Holds each invocation for a while, so that overlapping invocations of a group would be seen. */
    ScriptedHandler(long sleepMillisPerInvocation) {
        this(sleepMillisPerInvocation, null);
    }

    /** Slow records move {@code clock} instead of taking real time. */
    ScriptedHandler(MutableClock clock) {
        this(0, clock);
    }

    private ScriptedHandler(long sleepMillisPerInvocation, MutableClock clock) {
        this.sleepMillisPerInvocation = sleepMillisPerInvocation;
        this.clock = clock;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        invocations.add(List.copyOf(event.getRecords()));
        remainingMillisSeen.add(context.getRemainingTimeInMillis());
        Set<String> groups = groupsOf(event);
        groups.forEach(group -> {
            if (!groupsInProgress.add(group)) {
                groupOverlaps.incrementAndGet();
            }
        });
        try {
            sleep(sleepMillisPerInvocation);
            return handle(event.getRecords());
        } finally {
            groupsInProgress.removeAll(groups);
        }
    }

    private SQSBatchResponse handle(List<SQSEvent.SQSMessage> records) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Set<String> failedGroups = new HashSet<>();
        for (SQSEvent.SQSMessage record : records) {
            String group = record.getAttributes().get("MessageGroupId");
            boolean first = "1".equals(record.getAttributes().get("ApproximateReceiveCount"));
            String behaviour = behaviourOf(record.getBody());
            if ("crash".equals(behaviour) || ("crash-first".equals(behaviour) && first)) {
                throw new IllegalStateException("scripted crash on " + labelOf(record.getBody()));
            }
            if ("slow-first".equals(behaviour) && first) {
                takeOneSecond();
            }
            if ("bad-response-first".equals(behaviour) && first) {
                return response(List.of(failure("not-a-message-of-this-batch")));
            }
            boolean fails = "fail".equals(behaviour) || ("fail-first".equals(behaviour) && first);
            if (fails || (group != null && failedGroups.contains(group))) {
                failures.add(failure(record.getMessageId()));
                failureReasons.put(record.getMessageId(), FAILURE_REASON);
                if (group != null) {
                    failedGroups.add(group);
                }
            } else {
                processedLabels.add(labelOf(record.getBody()));
            }
        }
        return response(failures);
    }

    List<List<SQSEvent.SQSMessage>> invocations() {
        return List.copyOf(invocations);
    }

    /** Every record the handler saw, in the order it saw them. */
    List<SQSEvent.SQSMessage> deliveries() {
        return invocations.stream().flatMap(List::stream).toList();
    }

    long deliveriesOf(String label) {
        return deliveries().stream().filter(r -> labelOf(r.getBody()).equals(label)).count();
    }

    /** Labels of the records processed successfully, in processing order. */
    List<String> processedLabels() {
        return List.copyOf(processedLabels);
    }

    List<Integer> remainingMillisSeen() {
        return List.copyOf(remainingMillisSeen);
    }

    int groupOverlaps() {
        return groupOverlaps.get();
    }

    Optional<String> failureReason(String messageId) {
        return Optional.ofNullable(failureReasons.get(messageId));
    }

    static String labelOf(String body) {
        int colon = body.indexOf(':');
        return colon < 0 ? body : body.substring(0, colon);
    }

    private static String behaviourOf(String body) {
        int colon = body.indexOf(':');
        return colon < 0 ? "" : body.substring(colon + 1);
    }

    private static Set<String> groupsOf(SQSEvent event) {
        Set<String> groups = new HashSet<>();
        event.getRecords().forEach(r -> {
            String group = r.getAttributes().get("MessageGroupId");
            if (group != null) {
                groups.add(group);
            }
        });
        return groups;
    }

    private static SQSBatchResponse.BatchItemFailure failure(String messageId) {
        return new SQSBatchResponse.BatchItemFailure(messageId);
    }

    private static SQSBatchResponse response(List<SQSBatchResponse.BatchItemFailure> failures) {
        return new SQSBatchResponse(failures);
    }

    private void takeOneSecond() {
        if (clock == null) {
            throw new IllegalStateException("slow-first needs the clock the driver reads");
        }
        clock.advance(Duration.ofSeconds(1));
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
