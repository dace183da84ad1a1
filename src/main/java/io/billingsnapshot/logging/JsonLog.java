package io.billingsnapshot.logging;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Instant;

/**
 * Structured JSON logs, one line per event on stdout (which Lambda sends to CloudWatch).
 * Fields are passed as key/value pairs; message bodies, prices and credentials are never
 * passed at INFO.
 */
public final class JsonLog {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static final JsonFactory JSON = new JsonFactory();
    private static volatile Level threshold = levelFrom(System.getenv("LOG_LEVEL"));
    private static volatile PrintStream out = System.out;
    private static volatile String requestId;

    private final String logger;

    private JsonLog(String logger) {
        this.logger = logger;
    }

    public static JsonLog get(Class<?> type) {
        return new JsonLog(type.getSimpleName());
    }

    static Level levelFrom(String name) {
        if (name != null) {
            for (Level level : Level.values()) {
                if (level.name().equalsIgnoreCase(name.trim())) {
                    return level;
                }
            }
        }
        return Level.INFO;
    }

    /** The AWS request id of the current invocation, added to every line; null clears it. */
    public static void setRequestId(String awsRequestId) {
        requestId = awsRequestId;
    }

    public static void setThreshold(Level level) {
        threshold = level;
    }

    public boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public void debug(String event, Object... keyValues) {
        log(Level.DEBUG, event, null, keyValues);
    }

    public void info(String event, Object... keyValues) {
        log(Level.INFO, event, null, keyValues);
    }

    public void warn(String event, Object... keyValues) {
        log(Level.WARN, event, null, keyValues);
    }

    public void error(String event, Throwable error, Object... keyValues) {
        log(Level.ERROR, event, error, keyValues);
    }

    private void log(Level level, String event, Throwable error, Object[] keyValues) {
        if (!enabled(level)) {
            return;
        }
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("timestamp", Instant.now().toString());
            json.writeStringField("level", level.name());
            json.writeStringField("logger", logger);
            json.writeStringField("event", event);
            if (requestId != null) {
                json.writeStringField("awsRequestId", requestId);
            }
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                Object value = keyValues[i + 1];
                if (value != null) {
                    json.writeStringField(String.valueOf(keyValues[i]), String.valueOf(value));
                }
            }
            if (error != null) {
                json.writeStringField("error", error.getClass().getName());
                json.writeStringField("errorMessage", String.valueOf(error.getMessage()));
            }
            json.writeEndObject();
        } catch (IOException e) {
            return; // a StringWriter does not fail
        }
        out.println(line);
    }
}
