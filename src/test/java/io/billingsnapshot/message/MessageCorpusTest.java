package io.billingsnapshot.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SENT = Instant.parse("2026-05-23T05:00:07Z");
    private final MessageParser parser = new MessageParser();

    static List<MessageCorpus.Case> invalidBodies() {
        return MessageCorpus.invalid();
    }

    static List<MessageCorpus.Case> validBodies() {
        return MessageCorpus.valid();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void rejectsEveryInvalidCorpusFileWithItsDocumentedReason(MessageCorpus.Case bad) {
        InvalidMessageException rejection = catchThrowableOfType(InvalidMessageException.class,
                () -> parser.parse(bad.body(), SENT));

        assertThat(rejection).as("%s must be rejected", bad.name()).isNotNull();
        assertThat(rejection.reason()).isNotBlank().isEqualTo(bad.expectedReason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validBodies")
    void parsesEveryValidCorpusFile(MessageCorpus.Case good) throws Exception {
        RequestCompletion expected = expectedValues(MessageCorpus.expected(good.name()));

        assertThat(parser.parse(good.body(), SENT)).isEqualTo(expected);
    }

    @Test
    void everyValidFileHasItsExpectedValuesAndNoOtherFileHas() {
        assertThat(MessageCorpus.expectedNames())
                .containsExactlyElementsOf(MessageCorpus.valid().stream().map(MessageCorpus.Case::name).toList());
    }

    /** Every field must be written out, nulls included, so an expectation cannot leave one unchecked. */
    private static RequestCompletion expectedValues(String json) throws Exception {
        JsonNode values = JSON.readTree(json);
        assertThat(values.fieldNames()).toIterable().containsExactlyInAnyOrder("requestLogId", "apiKeyId",
                "upstreamId", "userId", "model", "requestedServiceTier", "effectiveServiceTier", "usage", "billedAt");
        JsonNode usage = values.required("usage");
        return new RequestCompletion(uuid(values.required("requestLogId")), uuid(values.required("apiKeyId")),
                uuid(values.required("upstreamId")), uuid(values.required("userId")),
                values.required("model").textValue(),
                tier(values.required("requestedServiceTier")), tier(values.required("effectiveServiceTier")),
                new Usage(usage.required("promptTokens").intValue(), usage.required("completionTokens").intValue(),
                        usage.required("totalTokens").intValue(), usage.required("cacheReadTokens").intValue(),
                        usage.required("cacheWriteTokens").intValue()),
                Instant.parse(values.required("billedAt").textValue()));
    }

    private static UUID uuid(JsonNode value) {
        return value.isNull() ? null : UUID.fromString(value.textValue());
    }

    private static ServiceTier tier(JsonNode value) {
        return value.isNull() ? null : ServiceTier.valueOf(value.textValue());
    }

    @Test
    void corpusHasAtLeast25InvalidAndSomeValidFiles() {
        assertThat(MessageCorpus.invalid()).hasSizeGreaterThanOrEqualTo(25);
        assertThat(MessageCorpus.valid()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void readmeDocumentsExactlyTheInvalidFiles() {
        Set<String> files = MessageCorpus.invalid().stream().map(MessageCorpus.Case::name).collect(Collectors.toSet());

        assertThat(MessageCorpus.documentedReasons().keySet()).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void givesTheSameAnswersWhenOneParserIsSharedAcrossThreads() throws Exception {
        List<MessageCorpus.Case> cases = new ArrayList<>(MessageCorpus.invalid());
        cases.addAll(MessageCorpus.valid());
        List<String> expected = cases.stream().map(this::outcome).toList();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                runs.add(threads.submit(() -> {
                    List<String> last = List.of();
                    for (int round = 0; round < 20; round++) {
                        last = cases.stream().map(this::outcome).toList();
                    }
                    return last;
                }));
            }

            for (Future<List<String>> run : runs) {
                assertThat(run.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private String outcome(MessageCorpus.Case corpusCase) {
        try {
            return parser.parse(corpusCase.body(), SENT).toString();
        } catch (InvalidMessageException e) {
            return e.reason();
        }
    }

    @Test
    void invalidFilesAreAllDistinctBodies() {
        List<String> bodies = MessageCorpus.invalid().stream()
                .map(MessageCorpus.Case::body)
                .filter(body -> !body.isBlank())
                .toList();

        assertThat(bodies).doesNotHaveDuplicates();
    }
}
