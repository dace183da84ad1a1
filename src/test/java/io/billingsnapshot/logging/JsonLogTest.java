package io.billingsnapshot.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.logging.JsonLog.Level;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-01T12:34:56.789Z");

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final JsonLog log = JsonLog.get(JsonLogTest.class);
    private JsonLog.Redirection redirection;

    @BeforeEach
    void captureOutput() {
        redirection = JsonLog.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8),
                Clock.fixed(NOW, ZoneOffset.UTC));
        JsonLog.setThreshold(Level.INFO);
    }

    @AfterEach
    void restoreOutput() {
        redirection.close();
        JsonLog.setThreshold(Level.INFO); // the level until a handler is wired from an environment
        JsonLog.clearRequestId();
    }

    private List<String> lines() {
        String output = captured.toString(StandardCharsets.UTF_8);
        return output.isEmpty() ? List.of() : List.of(output.split("\\R"));
    }

    private List<Map<String, Object>> events() throws Exception {
        List<Map<String, Object>> events = new java.util.ArrayList<>();
        for (String line : lines()) {
            events.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() { }));
        }
        return events;
    }

    @Test
    void writesOneLineWithTheStandardFieldsAndExactlyTheGivenOnes() throws Exception {
        UUID requestLogId = UUID.fromString("0b7a4c2e-3f1d-4e8a-9c6b-5d2e1f0a9b8c");

        try (var scope = JsonLog.withRequestId("aws-request-1")) {
            log.info("snapshot_written", "messageId", "m-1", "requestLogId", requestLogId);
        }

        assertThat(lines()).hasSize(1);
        assertThat(events().get(0)).containsExactly(
                entry("timestamp", "2026-03-01T12:34:56.789Z"),
                entry("level", "INFO"),
                entry("logger", "JsonLogTest"),
                entry("event", "snapshot_written"),
                entry("requestId", "aws-request-1"),
                entry("messageId", "m-1"),
                entry("requestLogId", requestLogId.toString()));
    }

    @Test
    void escapesQuotesBackslashesNewlinesAndControlCharactersIntoValidJson() throws Exception {
        String hostile = "he said \"stop\"\\\n}{\"level\":\"ERROR\"}\t\u0001 ünïcødé";

        log.warn(LogEvent.RECORD_FAILED, "messageId", "m-2", "reason", hostile, "key \"with\" quotes", "v");

        assertThat(lines()).hasSize(1);
        assertThat(events().get(0))
                .containsEntry("level", "WARN")
                .containsEntry("reason", hostile)
                .containsEntry("key \"with\" quotes", "v");
    }

    @Test
    void levelsBelowTheThresholdAreNotWritten() throws Exception {
        JsonLog.setThreshold(Level.WARN);

        log.debug("d");
        log.info("i");
        log.warn("w");
        log.error("e", new IllegalStateException("boom"));

        assertThat(events()).extracting(event -> event.get("event")).containsExactly("w", "e");
    }

    @Test
    void debugLinesAppearWhenTheThresholdIsDebug() throws Exception {
        JsonLog.setThreshold(Level.DEBUG);

        log.debug("sql_retry", "column", "api_key_id");

        assertThat(events()).extracting(event -> event.get("level")).containsExactly("DEBUG");
    }

    @Test
    void numbersAndBooleansStayTypedAndNullValuesAreLeftOut() throws Exception {
        log.info(LogEvent.BATCH_DONE, "records", 25, "failed", 0L, "seconds", 1.5, "exact", new BigDecimal("0.0000000001"),
                "sweep", true, "upstreamId", null, "notANumber", Double.NaN);

        assertThat(events().get(0))
                .containsEntry("records", 25)
                .containsEntry("failed", 0)
                .containsEntry("seconds", 1.5)
                .containsEntry("exact", 1.0E-10)
                .containsEntry("sweep", true)
                .containsEntry("notANumber", "NaN")
                .doesNotContainKey("upstreamId");
    }

    @Test
    void aFieldNamedLikeAStandardFieldCannotOverwriteIt() throws Exception {
        log.info("x", "level", "ERROR", "event", "forged");

        assertThat(events().get(0))
                .containsEntry("level", "INFO")
                .containsEntry("event", "x")
                .containsEntry("_level", "ERROR")
                .containsEntry("_event", "forged");
    }

    @Test
    void aTrailingKeyWithoutValueIsIgnored() throws Exception {
        log.info("x", "messageId", "m-3", "dangling");

        assertThat(events().get(0)).containsOnlyKeys("timestamp", "level", "logger", "event", "messageId");
    }

    @Test
    void errorsCarryTheExceptionClassMessageAndCauseChain() throws Exception {
        SQLException cause = new SQLException("connection refused", "08001");
        RuntimeException error = new IllegalStateException("database unreachable", cause);

        log.error("batch_failed", error, "records", 10);

        Map<String, Object> event = events().get(0);
        assertThat(event)
                .containsEntry("level", "ERROR")
                .containsEntry("error", "java.lang.IllegalStateException")
                .containsEntry("errorMessage", "database unreachable")
                .containsEntry("records", 10);
        assertThat((String) event.get("errorStack"))
                .contains("caused by java.sql.SQLException: connection refused")
                .contains("at io.billingsnapshot.logging.JsonLogTest");
    }

    @Test
    void withoutARequestIdTheFieldIsAbsentAndClosingTheScopeClearsIt() throws Exception {
        try (var scope = JsonLog.withRequestId("aws-request-2")) {
            log.info("inside");
        }
        log.info("outside");

        List<Map<String, Object>> events = events();
        assertThat(events.get(0)).containsEntry("requestId", "aws-request-2");
        assertThat(events.get(1)).doesNotContainKey("requestId");
        assertThat(JsonLog.requestId()).isEmpty();
    }

    @Test
    void levelComesFromLogLevelThenFromLambdasLogLevelThenDefaultsToInfo() {
        assertThat(JsonLog.levelFrom(Map.of("LOG_LEVEL", "debug", "AWS_LAMBDA_LOG_LEVEL", "ERROR")))
                .isEqualTo(Level.DEBUG);
        assertThat(JsonLog.levelFrom(Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN"))).isEqualTo(Level.WARN);
        assertThat(JsonLog.levelFrom(Map.of("LOG_LEVEL", " ", "AWS_LAMBDA_LOG_LEVEL", "TRACE"))).isEqualTo(Level.DEBUG);
        assertThat(JsonLog.levelFrom(Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL"))).isEqualTo(Level.ERROR);
        assertThat(JsonLog.levelFrom(Map.of("LOG_LEVEL", "verbose"))).isEqualTo(Level.INFO);
        assertThat(JsonLog.levelFrom(Map.of())).isEqualTo(Level.INFO);
    }
}
