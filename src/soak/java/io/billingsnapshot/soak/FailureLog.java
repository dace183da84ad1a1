package io.billingsnapshot.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.logging.LogEvent;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Takes the handlers' JSON log lines instead of stdout (the soak must not flood it): keeps
 * the reason of each {@code record_failed} until the driver asks for it, and counts events
 * (those that carry a SQLState also as {@code "<event> <sqlState>"}).
 */
final class FailureLog extends PrintStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> reasonByMessageId = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> events = new ConcurrentHashMap<>();

    FailureLog() {
        super(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
    }

    @Override
    public void println(Object line) {
        println(String.valueOf(line));
    }

    @Override
    public void println(String line) {
        try {
            JsonNode json = JSON.readTree(line);
            String event = json.path("event").asText("?");
            events.computeIfAbsent(event, e -> new LongAdder()).increment();
            if (json.hasNonNull("sqlState")) {
                events.computeIfAbsent(event + " " + json.get("sqlState").asText(), e -> new LongAdder()).increment();
            }
            if (LogEvent.RECORD_FAILED.equals(event)) {
                reasonByMessageId.put(json.path("messageId").asText(), json.path("reason").asText());
            }
        } catch (Exception notJson) {
            events.computeIfAbsent("(not json)", e -> new LongAdder()).increment();
        }
    }

    /** The reason logged for this message's latest failure, forgotten once read. */
    Optional<String> takeReason(String messageId) {
        return Optional.ofNullable(reasonByMessageId.remove(messageId));
    }

    long count(String event) {
        LongAdder count = events.get(event);
        return count == null ? 0 : count.sum();
    }

    Map<String, Long> events() {
        Map<String, Long> snapshot = new TreeMap<>();
        events.forEach((event, count) -> snapshot.put(event, count.sum()));
        return snapshot;
    }
}
