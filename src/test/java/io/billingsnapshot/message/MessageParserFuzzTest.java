package io.billingsnapshot.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Property tests with a seeded {@link Random}: {@code -Dfuzz.seed=...} reproduces a failure,
 * {@code -Dfuzz.tries=...} runs longer. Each try derives its own seed, printed on failure.
 */
class MessageParserFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 0x5EED_2026_0523L);
    private static final int TRIES = Integer.getInteger("fuzz.tries", 20_000);
    private static final Instant SENT = Instant.parse("2026-05-23T05:00:07Z");

    /** Every reason the parser may give: a closed list, so no value of the body can leak into a log. */
    static final List<Pattern> KNOWN_REASONS = List.of(
            "body is null",
            "body is empty or blank",
            "body is longer than 1048576 characters",
            "body could not be read",
            "body is not valid JSON( \\(line \\d+, column \\d+\\))?",
            "body is not a JSON object \\(was (array|string|number|boolean|null|nothing)\\)",
            "body has content after the JSON object( \\(line \\d+, column \\d+\\))?",
            "body has a duplicate key: (" + String.join("|", RandomMessages.TOP_FIELDS) + "|"
                    + String.join("|", RandomMessages.USAGE_FIELDS) + ")",
            "body has a duplicate key( \\(line \\d+, column \\d+\\))?",
            "body nests deeper than 64 levels",
            "body has a number longer than 1000 characters",
            "body exceeds JSON parser limits",
            "requestLogId: required",
            "(requestLogId|apiKeyId|upstreamId|userId): not a canonical 8-4-4-4-12 hex UUID",
            "(requestLogId|apiKeyId|upstreamId|userId): must be a UUID string or null, was (array|object|number|boolean)",
            "model: must be a string or null, was (array|object|number|boolean)",
            "model: longer than 255 characters",
            "model: contains a control character",
            "model: contains an unpaired UTF-16 surrogate",
            "model: contains U\\+FFFD \\(body was decoded from the wrong charset\\)",
            "requestedServiceTier: must be standard, fast or null(, was (array|object|number|boolean))?",
            "effectiveServiceTier: must be standard, fast, unknown or null(, was (array|object|number|boolean))?",
            "usage: must be an object or null, was (array|string|number|boolean)",
            "usage\\.(" + String.join("|", RandomMessages.USAGE_FIELDS) + "): (must not be negative"
                    + "|must be an integer, was (a fractional or exponent number|string|boolean|array|object)"
                    + "|exceeds 2147483647 \\(int4\\))",
            "billedAt: must be an ISO-8601 instant string or null, was (array|object|number|boolean)",
            "billedAt: not an ISO-8601 instant with offset \\(e\\.g\\. 2026-05-23T05:00:00Z\\)",
            "billedAt: year outside 1970\\.\\.9999")
            .stream().map(Pattern::compile).toList();

    /** An independent strict reader: whatever the parser accepts must be strict JSON to it as well. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final MessageParser parser = new MessageParser();

    @Test
    void randomValidMessagesParseToExactlyTheirValues() {
        for (int i = 0; i < TRIES / 4; i++) {
            long seed = SEED + i;
            RandomMessages messages = new RandomMessages(new Random(seed));
            RandomMessages.Generated generated = messages.validMessage(SENT);
            String body = messages.render(generated.members());
            try {
                assertThat(parser.parse(body, SENT)).isEqualTo(generated.expected());
            } catch (InvalidMessageException | RuntimeException | AssertionError e) {
                fail(failure("valid message did not round-trip", i, seed, body, e), e);
            }
        }
    }

    @Test
    void mutatedAndRandomBodiesParseOrAreRejectedWithAKnownReason() {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < TRIES; i++) {
            long seed = SEED * 31 + i;
            String body = mutatedBody(new Random(seed));
            String outcome;
            try {
                RequestCompletion message = parser.parse(body, SENT);
                assertInvariants(message, body);
                outcome = "parsed";
            } catch (InvalidMessageException e) {
                assertKnownReason(e.reason());
                outcome = e.reason().replaceAll(" \\(line .*", "");
            } catch (RuntimeException | AssertionError | StackOverflowError e) {
                fail(failure("parse broke its contract", i, seed, body, e), e);
                return;
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        // Guard against a fuzzer that only ever produces one kind of input.
        assertThat(outcomes.getOrDefault("parsed", 0)).as("outcomes %s", outcomes).isGreaterThan(TRIES / 20);
        assertThat(outcomes).as("distinct outcomes").hasSizeGreaterThan(25);
    }

    private String mutatedBody(Random random) {
        RandomMessages messages = new RandomMessages(random);
        if (random.nextInt(10) == 0) {
            return messages.randomText(random.nextInt(200));
        }
        List<RandomMessages.Member> members = new ArrayList<>(messages.validMessage(SENT).members());
        for (int n = random.nextInt(3); n > 0 && !members.isEmpty(); n--) {
            int at = random.nextInt(members.size());
            RandomMessages.Member member = members.get(at);
            switch (random.nextInt(5)) {
                case 0 -> members.set(at, new RandomMessages.Member(member.name(), messages.randomValue(3)));
                case 1 -> members.remove(at);
                case 2 -> members.add(random.nextInt(members.size() + 1), member);
                case 3 -> members.add(new RandomMessages.Member("usage", "{\"" + RandomMessages.USAGE_FIELDS[random.nextInt(5)]
                        + "\":" + messages.randomValue(1) + "}"));
                default -> members.set(at, new RandomMessages.Member(
                        RandomMessages.TOP_FIELDS[random.nextInt(RandomMessages.TOP_FIELDS.length)], member.value()));
            }
        }
        StringBuilder body = new StringBuilder(messages.render(members));
        for (int n = random.nextInt(3); n > 0; n--) {
            int at = random.nextInt(body.length() + 1);
            switch (random.nextInt(6)) {
                case 0 -> body.delete(at, Math.min(body.length(), at + 1 + random.nextInt(4)));
                case 1 -> body.insert(at, messages.randomChar());
                case 2 -> {
                    if (at < body.length()) {
                        body.setCharAt(at, messages.randomChar());
                    }
                }
                case 3 -> body.setLength(at);
                case 4 -> body.append(messages.randomValue(1));
                default -> body.insert(0, '[').append(']');
            }
        }
        return body.toString();
    }

    private static void assertInvariants(RequestCompletion message, String body) {
        assertThat(message.requestLogId()).isNotNull();
        Usage usage = message.usage();
        assertThat(IntStream.of(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(),
                usage.cacheReadTokens(), usage.cacheWriteTokens()).min().getAsInt()).isNotNegative();
        if (message.model() != null) {
            String model = message.model();
            assertThat(model).isNotEmpty().isEqualTo(model.strip()).doesNotContain("\uFFFD");
            assertThat(model.codePointCount(0, model.length())).isLessThanOrEqualTo(255);
            assertThat(model.codePoints()).noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE);
        }
        assertThat(message.effectiveServiceTier()).isNotNull();
        assertThat(message.requestedServiceTier()).isNotEqualTo(ServiceTier.UNKNOWN);
        assertThat(message.billedAt()).isNotNull();
        assertThat(message.billedAt().atOffset(ZoneOffset.UTC).getYear()).isBetween(1970, 9999);
        assertAcceptedByStrictJson(message, body);
    }

    /** Differential check: the fields we read agree with an independent strict tree parse. */
    private static void assertAcceptedByStrictJson(RequestCompletion message, String body) {
        JsonNode tree;
        try {
            tree = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError("parser accepted what strict JSON rejects: " + e.getOriginalMessage(), e);
        }
        assertThat(tree.isObject()).isTrue();
        assertThat(tree.path("requestLogId").asText()).isEqualToIgnoringCase(message.requestLogId().toString());
        JsonNode usage = tree.path("usage");
        assertThat(usage.path("promptTokens").asInt(0)).isEqualTo(message.usage().promptTokens());
        assertThat(usage.path("cacheWriteTokens").asInt(0)).isEqualTo(message.usage().cacheWriteTokens());
        if (tree.path("billedAt").isTextual()) {
            assertThat(message.billedAt()).isEqualTo(OffsetDateTime.parse(tree.path("billedAt").asText()).toInstant()
                    .truncatedTo(ChronoUnit.MICROS));
        } else {
            assertThat(message.billedAt()).isEqualTo(SENT);
        }
    }

    private static void assertKnownReason(String reason) {
        assertThat(reason).isNotBlank().hasSizeLessThan(120);
        assertThat(KNOWN_REASONS).as("a known reason pattern for \"%s\"", reason)
                .anyMatch(pattern -> pattern.matcher(reason).matches());
    }

    private static String failure(String what, int attempt, long seed, String body, Throwable error) {
        String shown = body.length() > 2_000 ? body.substring(0, 2_000) + "..." : body;
        return what + " (try " + attempt + " of -Dfuzz.seed=" + SEED + ", this try's Random seed " + seed + "): " + error
                + "\nbody: " + escape(shown);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format(Locale.ROOT, "\\u%04x", c)));
        return out.toString();
    }
}
