package io.billingsnapshot.message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The message-body corpus of {@code src/test/resources/corpus/}, for the parser tests and
 * for handler tests that mix bad records into real batches. The expected reasons come from
 * the corpus README's table, so the documentation cannot drift from the behaviour.
 */
public final class MessageCorpus {

    /** One corpus file: its name without {@code .json}, its body, and for invalid ones the reason. */
    public record Case(String name, String body, String expectedReason) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Pattern INVALID_ROW = Pattern.compile("^\\| `([^`]+)\\.json` \\| .* \\| `([^`]+)` \\|$");

    private MessageCorpus() {
    }

    /** Every file of {@code corpus/invalid/}, with the reason its README row gives (null if none). */
    public static List<Case> invalid() {
        Map<String, String> reasons = documentedReasons();
        return files("invalid")
                .map(file -> new Case(nameOf(file), read(file), reasons.get(nameOf(file))))
                .toList();
    }

    public static List<Case> valid() {
        return files("valid").map(file -> new Case(nameOf(file), read(file), null)).toList();
    }

    /**
     * What a valid file must parse to, every field of it: {@code corpus/expected/<name>.json},
     * tiers as enum constants, billedAt as an instant (SentTimestamp 2026-05-23T05:00:07Z when absent).
     */
    public static String expected(String name) {
        Path file = directory().resolve("expected").resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("corpus/expected/" + name + ".json is missing");
        }
        return read(file);
    }

    /** The names (without .json) of the files of {@code corpus/expected/}. */
    public static List<String> expectedNames() {
        return files("expected").map(MessageCorpus::nameOf).toList();
    }

    /** File name (without .json) to reason, from the README's invalid table. */
    public static Map<String, String> documentedReasons() {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String line : read(directory().resolve("README.md")).lines().toList()) {
            Matcher row = INVALID_ROW.matcher(line);
            if (row.matches()) {
                reasons.put(row.group(1), row.group(2));
            }
        }
        return reasons;
    }

    /** Bytes as UTF-8 with malformed input replaced by U+FFFD, as an SQS body would carry them. */
    static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> files(String kind) {
        try (Stream<Path> listing = Files.list(directory().resolve(kind))) {
            return listing.filter(file -> file.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String nameOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    private static Path directory() {
        URL readme = MessageCorpus.class.getResource("/corpus/README.md");
        if (readme == null) {
            throw new IllegalStateException("corpus/README.md is not on the test classpath");
        }
        try {
            return Path.of(readme.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
