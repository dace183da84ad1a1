package io.billingsnapshot.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.spi.SLF4JServiceProvider;

/** The libraries' SLF4J warnings reach the function's JSON log; their chatter does not. */
class JsonLogServiceProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Test
    void slf4jFindsTheProviderThatTheJarShips() {
        assertThat(ServiceLoader.load(SLF4JServiceProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(JsonLogServiceProvider.class);
    }

    @Test
    void aLibraryWarningBecomesAJsonLineWithItsLoggerMessageAndError() throws IOException {
        Logger sdk = logger("software.amazon.awssdk.core.internal.retry");

        try (var redirect = JsonLog.redirect(print(), Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC))) {
            sdk.warn("Retry attempt {} of {} failed", 2, 3, new ConnectException("Connection refused"));
        }

        assertThat(lines()).singleElement().satisfies(line -> assertThat(line)
                .containsEntry("level", "WARN")
                .containsEntry("event", LogEvent.LIBRARY_LOG)
                .containsEntry("logger", "software.amazon.awssdk.core.internal.retry")
                .containsEntry("message", "Retry attempt 2 of 3 failed")
                .containsEntry("error", "java.net.ConnectException")
                .containsEntry("timestamp", "2026-12-01T10:00:00Z"));
    }

    @Test
    void aLibraryErrorIsAnErrorLine() throws IOException {
        try (var redirect = JsonLog.redirect(print(), Clock.systemUTC())) {
            logger("software.amazon.cloudwatchlogs.emf").error("Failed to serialize {}", "metrics");
        }

        assertThat(lines()).singleElement().satisfies(line -> assertThat(line)
                .containsEntry("level", "ERROR").containsEntry("message", "Failed to serialize metrics"));
    }

    @Test
    void aLibrarysInfoAndDebugAreDropped() throws IOException {
        Logger sdk = logger("software.amazon.awssdk.request");

        try (var redirect = JsonLog.redirect(print(), Clock.systemUTC())) {
            sdk.info("Sending request");
            sdk.debug("Headers {}", "x");
            sdk.trace("bytes");
        }

        assertThat(sdk.isInfoEnabled()).isFalse();
        assertThat(lines()).isEmpty();
    }

    private static Logger logger(String name) {
        return new JsonLogServiceProvider().getLoggerFactory().getLogger(name);
    }

    private PrintStream print() {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private List<Map<String, Object>> lines() throws IOException {
        List<Map<String, Object>> lines = new java.util.ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            if (!line.isBlank()) {
                lines.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() { }));
            }
        }
        return lines;
    }
}
