package io.billingsnapshot.reliability;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.logging.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The function's JSON log lines, captured while they still go to stdout. {@link JsonLog} keeps
 * the stdout it saw at class load (surefire's, or Lambda's), so swapping System.out would miss
 * them; its stream field is swapped instead and restored on close.
 */
final class CapturedLogs implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Field out;
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private CapturedLogs() {
        try {
            out = JsonLog.class.getDeclaredField("out");
            out.setAccessible(true);
            original = (PrintStream) out.get(null);
            out.set(null, new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JsonLog no longer keeps its stream in a field named 'out'", e);
        }
    }

    static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** Every captured line, parsed. */
    List<Map<String, String>> lines() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        List<Map<String, String>> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readValue(line, new TypeReference<Map<String, String>>() { }));
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
        try {
            out.set(null, original);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
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
