package io.billingsnapshot.logging;

import static io.billingsnapshot.config.EnvVars.LOG_LEVEL;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Structured JSON logs, one line per event on stdout (which Lambda sends to CloudWatch Logs):
 * {@code timestamp, level, logger, event}, the AWS request id of the current invocation, then
 * exactly the key/value pairs given. Message bodies, prices, tokens and credentials are never
 * passed at INFO.
 *
 * <p>Values: numbers and booleans are written as JSON numbers and booleans, everything else as
 * its string form; a null value leaves its key out; a key without a value is ignored. A key
 * that would overwrite one of the line's own fields is written with a leading underscore.
 */
public final class JsonLog {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    /** Set by Lambda from the function's advanced logging controls; LOG_LEVEL wins over it. */
    static final String LAMBDA_LOG_LEVEL = "AWS_LAMBDA_LOG_LEVEL";

    private static final Set<String> RESERVED = Set.of(
            "timestamp", "level", "logger", "event", "requestId", "error", "errorMessage", "errorStack");
    private static final int STACK_FRAMES = 12;
    private static final int MAX_CAUSES = 5; // a cause chain may loop
    private static final JsonFactory JSON = new JsonFactory();

    /** Until the wiring sets it from the environment ({@link #levelFrom(Map)}). */
    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = stdout();
    private static volatile Clock clock = Clock.systemUTC();
    // Static, not thread-local: Lambda runs one invocation at a time per execution environment,
    // and records processed on worker threads must carry the id too.
    private static volatile String requestId;

    private final String logger;

    private JsonLog(String logger) {
        this.logger = logger;
    }

    public static JsonLog get(Class<?> type) {
        return new JsonLog(type.getSimpleName());
    }

    /** A logger under a library's own logger name (see {@link JsonLogServiceProvider}). */
    static JsonLog named(String logger) {
        return new JsonLog(logger);
    }

    @SuppressForbidden("the function's log is stdout, where Lambda collects it")
    private static PrintStream stdout() {
        return System.out;
    }

    /** The level from {@code LOG_LEVEL}, else Lambda's {@code AWS_LAMBDA_LOG_LEVEL}, else INFO. */
    public static Level levelFrom(Map<String, String> environment) {
        String configured = environment.get(LOG_LEVEL);
        if (configured == null || configured.isBlank()) {
            configured = environment.get(LAMBDA_LOG_LEVEL);
        }
        return levelFrom(configured);
    }

    static Level levelFrom(String name) {
        if (name == null) {
            return Level.INFO;
        }
        return switch (name.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "TRACE", "DEBUG" -> Level.DEBUG;
            case "WARN", "WARNING" -> Level.WARN;
            case "ERROR", "FATAL" -> Level.ERROR;
            default -> Level.INFO;
        };
    }

    public static void setThreshold(Level level) {
        threshold = level;
    }

    /**
     * Tags every line with the invocation's AWS request id until the returned scope is closed:
     * {@code try (var scope = JsonLog.withRequestId(context.getAwsRequestId())) { ... }}.
     */
    public static RequestScope withRequestId(String awsRequestId) {
        requestId = awsRequestId;
        return JsonLog::clearRequestId;
    }

    public static void clearRequestId() {
        requestId = null;
    }

    public static Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** Sends every line to {@code target}, stamped by {@code time}, until closed (tests, local runs). */
    public static Redirection redirect(PrintStream target, Clock time) {
        PrintStream previousOut = out;
        Clock previousClock = clock;
        out = target;
        clock = time;
        return () -> {
            out = previousOut;
            clock = previousClock;
        };
    }

    /** Ends the request-id scope; closing never throws. */
    @FunctionalInterface
    public interface RequestScope extends AutoCloseable {
        @Override
        void close();
    }

    /** Restores the previous output; closing never throws. */
    @FunctionalInterface
    public interface Redirection extends AutoCloseable {
        @Override
        void close();
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

    /** A library's line: event {@code library_log} and the library's formatted message. */
    void library(Level level, String message, Throwable error) {
        log(level, LogEvent.LIBRARY_LOG, error, new Object[] {"message", message});
    }

    private void log(Level level, String event, Throwable error, Object[] keyValues) {
        if (!enabled(level)) {
            return;
        }
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("timestamp", clock.instant().toString());
            json.writeStringField("level", level.name());
            json.writeStringField("logger", logger);
            json.writeStringField("event", event);
            String id = requestId;
            if (id != null) {
                json.writeStringField("requestId", id);
            }
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                writeField(json, String.valueOf(keyValues[i]), keyValues[i + 1]);
            }
            if (error != null) {
                writeError(json, error);
            }
            json.writeEndObject();
        } catch (IOException e) {
            return; // a StringWriter does not fail
        }
        out.println(line);
    }

    private static void writeField(JsonGenerator json, String key, Object value) throws IOException {
        if (value == null) {
            return;
        }
        json.writeFieldName(RESERVED.contains(key) ? "_" + key : key);
        if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            json.writeNumber(big);
        } else if (value instanceof BigDecimal decimal) {
            json.writeNumber(decimal);
        } else if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
            json.writeNumber(number.doubleValue());
        } else {
            json.writeString(String.valueOf(value)); // NaN and Infinity are not JSON numbers
        }
    }

    private static void writeError(JsonGenerator json, Throwable error) throws IOException {
        json.writeStringField("error", error.getClass().getName());
        if (error.getMessage() != null) {
            json.writeStringField("errorMessage", error.getMessage());
        }
        StringBuilder stack = new StringBuilder();
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t != error) {
                stack.append("caused by ").append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
            }
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, STACK_FRAMES); i++) {
                stack.append("  at ").append(frames[i]).append('\n');
            }
        }
        json.writeStringField("errorStack", stack.toString());
    }
}
