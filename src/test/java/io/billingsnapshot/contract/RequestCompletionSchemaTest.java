package io.billingsnapshot.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.message.InvalidMessageException;
import io.billingsnapshot.message.MessageCorpus;
import io.billingsnapshot.message.MessageParser;
import io.billingsnapshot.testing.ContractSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/schemas/request-completion.schema.json against what the function really accepts: every
 * body the parser accepts (the corpus and events/) conforms, and every invalid corpus body the
 * schema can express is rejected by it. What the schema cannot catch is listed here, each with
 * the reason, and checked to be exactly that: the parser is the last word on those.
 */
class RequestCompletionSchemaTest {

    private static final ContractSchema SCHEMA = ContractSchema.REQUEST_COMPLETION;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SENT = Instant.parse("2026-05-23T05:00:07Z");

    /**
     * Bodies a JSON reader refuses before any schema applies: not one JSON value (a schema describes
     * values, so only a parser rejects these), or a number beyond the reader's length limit.
     */
    static final Set<String> NOT_ONE_JSON_VALUE = Set.of("number-over-1000-digits",
            "not-json-plain-text", "empty-body", "blank-body", "truncated-object", "trailing-garbage",
            "trailing-second-object", "single-quoted-strings", "comment-in-body", "unescaped-newline-in-string",
            "bom-prefixed", "nan-prompt-tokens", "infinity-total-tokens", "negative-infinity-completion-tokens",
            "duplicate-request-log-id", "duplicate-usage-prompt-tokens", "duplicate-unknown-key");

    /** JSON values the schema accepts although the parser rejects them, and why the schema cannot say so. */
    static final Map<String, String> JSON_THE_SCHEMA_ACCEPTS = Map.of(
            "integral-float-total-tokens", "JSON Schema's integer is a mathematical value: 1500.0 is an integer",
            "exponent-cache-read-tokens", "JSON Schema's integer is a mathematical value: 2e2 is the integer 200",
            "model-lone-surrogate", "a pattern cannot see an unpaired UTF-16 surrogate portably (regex engines differ)",
            "deep-nesting-in-unknown-field", "unknown fields are free; a nesting limit is a parser limit");

    static List<MessageCorpus.Case> validBodies() {
        return MessageCorpus.valid();
    }

    static List<MessageCorpus.Case> invalidBodiesTheSchemaExpresses() {
        return MessageCorpus.invalid().stream()
                .filter(c -> !NOT_ONE_JSON_VALUE.contains(c.name()) && !JSON_THE_SCHEMA_ACCEPTS.containsKey(c.name()))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validBodies")
    void everyValidCorpusBodyConforms(MessageCorpus.Case good) {
        assertThat(SCHEMA.violations(good.body())).as(good.name()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodiesTheSchemaExpresses")
    void everyInvalidCorpusBodyTheSchemaCanExpressIsRejected(MessageCorpus.Case bad) {
        List<String> violations = SCHEMA.violations(bad.body());

        assertThat(violations).as(bad.name() + " (%s)", bad.expectedReason()).isNotEmpty()
                .noneMatch(v -> v.startsWith("not read as one JSON value"));
    }

    @Test
    void bodiesThatAreNotOneJsonValueAreRejectedBeforeAnySchema() {
        List<MessageCorpus.Case> cases = cases(NOT_ONE_JSON_VALUE);

        assertThat(cases).hasSize(NOT_ONE_JSON_VALUE.size()).allSatisfy(c -> assertThat(SCHEMA.violations(c.body()))
                .as(c.name()).singleElement().asString().startsWith("not read as one JSON value"));
    }

    @Test
    void listsEveryInvalidBodyTheSchemaCannotCatchAndTheParserCatchesIt() throws Exception {
        List<MessageCorpus.Case> cases = cases(JSON_THE_SCHEMA_ACCEPTS.keySet());
        MessageParser parser = new MessageParser();

        assertThat(cases).hasSize(JSON_THE_SCHEMA_ACCEPTS.size());
        for (MessageCorpus.Case c : cases) {
            assertThat(SCHEMA.violations(c.body())).as("%s: %s", c.name(), JSON_THE_SCHEMA_ACCEPTS.get(c.name()))
                    .isEmpty();
            assertThat(rejectionOf(parser, c.body())).as(c.name()).isEqualTo(c.expectedReason());
        }
    }

    @Test
    void everyBodyOfEventsConformsExactlyWhenTheParserAcceptsIt() throws IOException {
        MessageParser parser = new MessageParser();
        List<String> accepted = new ArrayList<>();
        List<String> rejected = new ArrayList<>();

        for (Path file : eventFiles()) {
            for (JsonNode record : JSON.readTree(file.toFile()).required("Records")) {
                String body = record.required("body").textValue();
                String name = file.getFileName() + " " + record.required("messageId").textValue();
                if (rejectionOf(parser, body) == null) {
                    accepted.add(name);
                    assertThat(SCHEMA.violations(body)).as(name).isEmpty();
                } else {
                    rejected.add(name);
                    assertThat(SCHEMA.violations(body)).as(name).isNotEmpty();
                }
            }
        }

        assertThat(accepted).as("bodies the function accepts").hasSizeGreaterThanOrEqualTo(10);
        assertThat(rejected).as("bodies the function rejects").isNotEmpty();
    }

    @Test
    void rejectsWhatTheContractForbidsInFieldsTheCorpusDoesNotBreak() {
        String good = MessageCorpus.valid().stream().filter(c -> c.name().equals("full-message")).findFirst()
                .orElseThrow().body();

        assertThat(SCHEMA.violations(good.replace("\"gpt-4o\"", "\"gpt-4o\\u0007x\""))).as("control character").isNotEmpty();
        assertThat(SCHEMA.violations(good.replace("\"gpt-4o\"", "\"  gpt-4o\\n\""))).as("padding is trimmed").isEmpty();
        assertThat(SCHEMA.violations(good.replace("2026-05-23T05:00:00Z", "2026-05-23T05:00:00.1234567+08:00")))
                .as("nanoseconds and an offset").isEmpty();
        assertThat(SCHEMA.violations(good.replace("2026-05-23T05:00:00Z", "2026-05-23T05:00Z"))).as("no seconds")
                .isNotEmpty();
        assertThat(SCHEMA.violations(good.replace("2026-05-23T05:00:00Z", "1969-12-31T23:59:59Z"))).as("before 1970")
                .isNotEmpty();
        assertThat(SCHEMA.violations(good.replace("\"cacheWriteTokens\": 0", "\"cacheWriteTokens\": 2147483647")))
                .as("int4 maximum").isEmpty();
        assertThat(SCHEMA.violations(good.replace("\"usage\": {", "\"usage\": {\"audioSeconds\": -1.5,")))
                .as("an unknown usage field").isEmpty();
    }

    /** The parser's reason, or null when it accepts the body. */
    private static String rejectionOf(MessageParser parser, String body) {
        try {
            parser.parse(body, SENT);
            return null;
        } catch (InvalidMessageException e) {
            return e.reason();
        }
    }

    private static List<MessageCorpus.Case> cases(Set<String> names) {
        return MessageCorpus.invalid().stream().filter(c -> names.contains(c.name())).toList();
    }

    private static List<Path> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
    }
}
