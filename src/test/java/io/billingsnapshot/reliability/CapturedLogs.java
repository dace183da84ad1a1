package io.billingsnapshot.reliability;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.logging.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The function's JSON log lines, captured while they still reach stdout; values as their text. */
final class CapturedLogs implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final JsonLog.Redirection redirection;

    private CapturedLogs() {
        redirection = JsonLog.redirect(
                new PrintStream(new Tee(System.out, captured), true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** Every captured line, parsed. */
    List<Map<String, String>> lines() {
        List<Map<String, String>> lines = new ArrayList<>();
        for (String line : text().lines().toList()) {
            if (!line.isBlank()) {
                try {
                    Map<String, Object> fields = JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
                    Map<String, String> text = new LinkedHashMap<>();
                    fields.forEach((key, value) -> text.put(key, String.valueOf(value)));
                    lines.add(text);
                } catch (IOException e) {
                    throw new UncheckedIOException("not a JSON log line: " + line, e);
                }
            }
        }
        return lines;
    }

    /** The lines of one event (e.g. {@code record_failed}). */
    List<Map<String, String>> events(String event) {
        return lines().stream().filter(line -> event.equals(line.get("event"))).toList();
    }

    /** The raw text, for asserting what must never be logged. */
    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        redirection.close();
    }

    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final ByteArrayOutputStream second;

        Tee(OutputStream first, ByteArrayOutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            synchronized (second) {
                second.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }
}
