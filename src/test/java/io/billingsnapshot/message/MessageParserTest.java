package io.billingsnapshot.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule of docs/design.md §3; bodies are built from one valid message. */
class MessageParserTest {

    static final String REQUEST_LOG_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final Instant SENT = Instant.parse("2026-05-23T05:00:07Z");

    private final MessageParser parser = new MessageParser();

    /** A body with requestLogId first and the given JSON members after it. */
    static String message(String members) {
        return "{\"requestLogId\":\"" + REQUEST_LOG_ID + "\"" + (members.isEmpty() ? "" : "," + members) + "}";
    }

    static String usage(String members) {
        return message("\"usage\":{" + members + "}");
    }

    private RequestCompletion parse(String body) throws InvalidMessageException {
        return parser.parse(body, SENT);
    }

    private String reasonFor(String body) {
        Throwable thrown = catchThrowable(() -> parser.parse(body, SENT));
        assertThat(thrown).as("rejection of %s", body).isInstanceOf(InvalidMessageException.class);
        String reason = ((InvalidMessageException) thrown).reason();
        assertThat(reason).isNotBlank();
        return reason;
    }

    // --- valid messages and defaults -------------------------------------------------

    @Test
    void parsesAFullyValidMessage() throws InvalidMessageException {
        String body = """
                {"requestLogId": "0f8fad5b-d9cb-469f-a165-70867728950e",
                 "apiKeyId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                 "upstreamId": "16fd2706-8baf-433b-82eb-8c7fada847da",
                 "userId": "886313e1-3b8a-4372-9b90-0c9aee199e5d",
                 "model": "claude-sonnet-4-5",
                 "requestedServiceTier": "fast",
                 "effectiveServiceTier": "standard",
                 "usage": {"promptTokens": 1200, "completionTokens": 300, "totalTokens": 1500,
                           "cacheReadTokens": 200, "cacheWriteTokens": 100},
                 "billedAt": "2026-05-23T05:00:00Z"}
                """;

        RequestCompletion message = parse(body);

        assertThat(message).isEqualTo(new RequestCompletion(
                UUID.fromString(REQUEST_LOG_ID),
                UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
                UUID.fromString("16fd2706-8baf-433b-82eb-8c7fada847da"),
                UUID.fromString("886313e1-3b8a-4372-9b90-0c9aee199e5d"),
                "claude-sonnet-4-5",
                ServiceTier.FAST,
                ServiceTier.STANDARD,
                new Usage(1200, 300, 1500, 200, 100),
                Instant.parse("2026-05-23T05:00:00Z")));
    }

    @Test
    void defaultsEverythingOptionalWhenOnlyRequestLogIdIsGiven() throws InvalidMessageException {
        RequestCompletion message = parse(message(""));

        assertThat(message).isEqualTo(new RequestCompletion(UUID.fromString(REQUEST_LOG_ID),
                null, null, null, null, null, ServiceTier.UNKNOWN, Usage.NONE, SENT));
    }

    @Test
    void defaultsMissingAndNullUsageFieldsToZero() throws InvalidMessageException {
        RequestCompletion message = parse(usage("\"completionTokens\":7,\"cacheReadTokens\":null"));

        assertThat(message.usage()).isEqualTo(new Usage(0, 7, 0, 0, 0));
    }

    @Test
    void treatsNullUsageAsNoUsage() throws InvalidMessageException {
        assertThat(parse(message("\"usage\":null")).usage()).isEqualTo(Usage.NONE);
    }

    @Test
    void mapsNullEffectiveTierToUnknown() throws InvalidMessageException {
        assertThat(parse(message("\"effectiveServiceTier\":null")).effectiveServiceTier()).isEqualTo(ServiceTier.UNKNOWN);
    }

    @Test
    void keepsExplicitUnknownEffectiveTier() throws InvalidMessageException {
        assertThat(parse(message("\"effectiveServiceTier\":\"unknown\"")).effectiveServiceTier()).isEqualTo(ServiceTier.UNKNOWN);
    }

    @Test
    void keepsNullRequestedTierAsNull() throws InvalidMessageException {
        assertThat(parse(message("\"requestedServiceTier\":null")).requestedServiceTier()).isNull();
    }

    @Test
    void defaultsBilledAtToSentTimestampWhenNull() throws InvalidMessageException {
        assertThat(parse(message("\"billedAt\":null")).billedAt()).isEqualTo(SENT);
    }

    @Test
    void parsesBilledAtWithOffsetAndTruncatesItsFractionToTheMicrosecond() throws InvalidMessageException {
        RequestCompletion message = parse(message("\"billedAt\":\"2026-05-23T13:00:00.123456789+08:00\""));

        assertThat(message.billedAt()).isEqualTo(Instant.parse("2026-05-23T05:00:00.123456Z"));
    }

    @Test
    void acceptsBilledAtAtTheEdgesOfYears1970And9999() throws InvalidMessageException {
        assertThat(parse(message("\"billedAt\":\"1970-01-01T00:00:00Z\"")).billedAt())
                .isEqualTo(Instant.parse("1970-01-01T00:00:00Z"));
        assertThat(parse(message("\"billedAt\":\"9999-12-31T23:59:59.999999999Z\"")).billedAt())
                .isEqualTo(Instant.parse("9999-12-31T23:59:59.999999Z"));
    }

    @Test
    void trimsTheModel() throws InvalidMessageException {
        assertThat(parse(message("\"model\":\" \\t gpt-4o \\n\"")).model()).isEqualTo("gpt-4o");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"   \"", "\"\\t\\n\"", "null"})
    void turnsAnEmptyOrBlankModelIntoNull(String model) throws InvalidMessageException {
        assertThat(parse(message("\"model\":" + model)).model()).isNull();
    }

    @Test
    void acceptsA255CharacterModelCountingCharactersNotUtf16Units() throws InvalidMessageException {
        String emoji = "\uD83D\uDE80".repeat(255); // 255 characters, 510 UTF-16 units

        assertThat(parse(message("\"model\":\"" + "m".repeat(255) + "\"")).model()).hasSize(255);
        assertThat(parse(message("\"model\":\"" + emoji + "\"")).model()).isEqualTo(emoji);
    }

    @Test
    void acceptsNullOrAbsentOptionalIds() throws InvalidMessageException {
        RequestCompletion message = parse(message("\"apiKeyId\":null,\"userId\":null"));

        assertThat(message.apiKeyId()).isNull();
        assertThat(message.upstreamId()).isNull();
        assertThat(message.userId()).isNull();
    }

    @Test
    void acceptsUpperCaseHexInUuids() throws InvalidMessageException {
        RequestCompletion message = parse(message("\"apiKeyId\":\"7C9E6679-7425-40DE-944B-E07FC1F90AE7\""));

        assertThat(message.apiKeyId()).isEqualTo(UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
    }

    @Test
    void acceptsCountsFromZeroToTheInt4Maximum() throws InvalidMessageException {
        RequestCompletion message = parse(usage("\"promptTokens\":0,\"completionTokens\":2147483647,\"totalTokens\":-0"));

        assertThat(message.usage()).isEqualTo(new Usage(0, 2147483647, 0, 0, 0));
    }

    @Test
    void ignoresUnknownFieldsOfAnyShapeAtBothLevels() throws InvalidMessageException {
        String body = message("\"durationMs\":9417600000,\"meta\":{\"a\":[1.5,null,{\"b\":\"\\ud800\"}]},"
                + "\"usage\":{\"promptTokens\":5,\"reasoningTokens\":-1.5e300,\"audio\":{\"x\":[]}}");

        assertThat(parse(body).usage()).isEqualTo(new Usage(5, 0, 0, 0, 0));
    }

    @Test
    void acceptsABodyAsLargeAsTheSqsMaximum() throws InvalidMessageException {
        String prefix = message("\"padding\":\"");
        String body = prefix + "x".repeat(MessageParser.MAX_BODY_CHARS - prefix.length() - 2) + "\"}";

        assertThat(body).hasSize(MessageParser.MAX_BODY_CHARS);
        assertThat(parse(body).requestLogId()).isEqualTo(UUID.fromString(REQUEST_LOG_ID));
    }

    // --- not JSON, not an object ------------------------------------------------------

    @Test
    void rejectsANullBody() {
        assertThat(reasonFor(null)).isEqualTo("body is null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t\r\n"})
    void rejectsAnEmptyOrBlankBody(String body) {
        assertThat(reasonFor(body)).isEqualTo("body is empty or blank");
    }

    @Test
    void rejectsTextThatIsNotJsonWithoutEchoingIt() {
        String reason = reasonFor("secret-token-abc123 was here");

        assertThat(reason).isEqualTo("body is not valid JSON (line 1, column 1)").doesNotContain("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]:array", "\"{}\":string", "42:number", "-1.5:number", "true:boolean", "null:null"})
    void rejectsJsonThatIsNotAnObject(String bodyAndType) {
        int colon = bodyAndType.lastIndexOf(':');

        assertThat(reasonFor(bodyAndType.substring(0, colon)))
                .isEqualTo("body is not a JSON object (was " + bodyAndType.substring(colon + 1) + ")");
    }

    @Test
    void rejectsATruncatedObject() {
        assertThat(reasonFor("{\"requestLogId\":\"" + REQUEST_LOG_ID + "\",")).startsWith("body is not valid JSON (line 1,");
    }

    @ParameterizedTest
    @ValueSource(strings = {" x", "}", "]", ",{}", "{}", " \"again\"", " /* comment */"})
    void rejectsContentAfterTheObject(String trailing) {
        assertThat(reasonFor(message("") + trailing)).startsWith("body has content after the JSON object (line 1, column ");
    }

    @Test
    void acceptsWhitespaceAfterTheObject() throws InvalidMessageException {
        assertThat(parse(message("") + " \n\t\r\n").requestLogId()).isEqualTo(UUID.fromString(REQUEST_LOG_ID));
    }

    @Test
    void rejectsADuplicatedKnownKeyNamingIt() {
        assertThat(reasonFor(message("\"model\":\"a\",\"model\":\"b\""))).isEqualTo("body has a duplicate key: model");
        assertThat(reasonFor(usage("\"totalTokens\":1,\"totalTokens\":2"))).isEqualTo("body has a duplicate key: totalTokens");
    }

    @Test
    void rejectsADuplicatedUnknownKeyWithoutNamingIt() {
        String reason = reasonFor(message("\"secretKey\":{\"x\":1,\"x\":2}"));

        assertThat(reason).startsWith("body has a duplicate key (line 1, column ").doesNotContain("x\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity", "+1", "01", ".5", "1.", "0x10"})
    void rejectsNonJsonNumberTokens(String number) {
        assertThat(reasonFor(usage("\"promptTokens\":" + number))).startsWith("body is not valid JSON (line 1, column ");
    }

    @Test
    void rejectsDeepNestingWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);

        assertThat(reasonFor(message("\"meta\":" + deep))).isEqualTo("body nests deeper than 64 levels");
        assertThat(reasonFor("{\"a\":".repeat(100_000))).isEqualTo("body nests deeper than 64 levels");
    }

    @Test
    void acceptsNestingUpToTheLimit() throws InvalidMessageException {
        String nested = "[".repeat(63) + "]".repeat(63); // the message object is level 1

        assertThat(parse(message("\"meta\":" + nested)).requestLogId()).isEqualTo(UUID.fromString(REQUEST_LOG_ID));
    }

    @Test
    void rejectsABodyLongerThanTheSqsMaximum() {
        String body = message("\"padding\":\"" + "x".repeat(MessageParser.MAX_BODY_CHARS) + "\"");

        assertThat(reasonFor(body)).isEqualTo("body is longer than 1048576 characters");
    }

    @Test
    void rejectsANumberTooLongForTheJsonParser() {
        assertThat(reasonFor(message("\"meta\":" + "1".repeat(5_000))))
                .isEqualTo("body has a number longer than 1000 characters");
    }

    // --- UUIDs ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"requestLogId\":null}", "{\"model\":\"gpt-4o\"}"})
    void rejectsAMissingOrNullRequestLogId(String body) {
        assertThat(reasonFor(body)).isEqualTo("requestLogId: required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1-1-1-1-1", "not-a-uuid", "", "0f8fad5bd9cb469fa16570867728950e",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950e ", "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b-d9cb-469f-a165-70867728950g",
            "0f8fad5b-d9cb-469f-a165-70867728950e0", "0f8fad5b_d9cb_469f_a165_70867728950e"})
    void rejectsARequestLogIdThatIsNotACanonicalUuid(String id) {
        String body = "{\"requestLogId\":\"" + id + "\"}";

        assertThat(reasonFor(body)).isEqualTo("requestLogId: not a canonical 8-4-4-4-12 hex UUID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"apiKeyId", "upstreamId", "userId"})
    void rejectsAnOptionalIdThatIsNotAUuid(String field) {
        assertThat(reasonFor(message("\"" + field + "\":\"1-1-1-1-1\"")))
                .isEqualTo(field + ": not a canonical 8-4-4-4-12 hex UUID");
        assertThat(reasonFor(message("\"" + field + "\":17")))
                .isEqualTo(field + ": must be a UUID string or null, was number");
    }

    @Test
    void rejectsARequestLogIdThatIsNotAString() {
        assertThat(reasonFor("{\"requestLogId\":[\"" + REQUEST_LOG_ID + "\"]}"))
                .isEqualTo("requestLogId: must be a UUID string or null, was array");
    }

    // --- model ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"4:number", "true:boolean", "[]:array", "{}:object"})
    void rejectsAModelThatIsNotAString(String valueAndType) {
        int colon = valueAndType.lastIndexOf(':');

        assertThat(reasonFor(message("\"model\":" + valueAndType.substring(0, colon))))
                .isEqualTo("model: must be a string or null, was " + valueAndType.substring(colon + 1));
    }

    @Test
    void rejectsAModelLongerThan255CharactersAfterTrimming() {
        assertThat(reasonFor(message("\"model\":\"" + "m".repeat(256) + "\"")))
                .isEqualTo("model: longer than 255 characters");
        assertThat(reasonFor(message("\"model\":\"" + "\uD83D\uDE80".repeat(256) + "\"")))
                .isEqualTo("model: longer than 255 characters");
    }

    @Test
    void rejectsAModelThatPostgresCannotStoreFaithfully() {
        assertThat(reasonFor(message("\"model\":\"gpt\\u00004o\""))).isEqualTo("model: contains a control character");
        assertThat(reasonFor(message("\"model\":\"gpt\\ud8004o\""))).isEqualTo("model: contains an unpaired UTF-16 surrogate");
        assertThat(reasonFor(message("\"model\":\"gpt-4o\\udc00\""))).isEqualTo("model: contains an unpaired UTF-16 surrogate");
        assertThat(reasonFor(message("\"model\":\"caf\uFFFD\"")))
                .isEqualTo("model: contains U+FFFD (body was decoded from the wrong charset)");
    }

    // --- tiers ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"standard", "fast"})
    void acceptsTheRequestedTiers(String tier) throws InvalidMessageException {
        assertThat(parse(message("\"requestedServiceTier\":\"" + tier + "\"")).requestedServiceTier().wireName())
                .isEqualTo(tier);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "Standard", "FAST", "priority", "", " fast"})
    void rejectsAnUnknownRequestedTier(String tier) {
        assertThat(reasonFor(message("\"requestedServiceTier\":\"" + tier + "\"")))
                .isEqualTo("requestedServiceTier: must be standard, fast or null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Unknown", "priority", "flex", "auto", ""})
    void rejectsAnUnknownEffectiveTier(String tier) {
        assertThat(reasonFor(message("\"effectiveServiceTier\":\"" + tier + "\"")))
                .isEqualTo("effectiveServiceTier: must be standard, fast, unknown or null");
    }

    @Test
    void rejectsATierThatIsNotAString() {
        assertThat(reasonFor(message("\"requestedServiceTier\":1")))
                .isEqualTo("requestedServiceTier: must be standard, fast or null, was number");
        assertThat(reasonFor(message("\"effectiveServiceTier\":{}")))
                .isEqualTo("effectiveServiceTier: must be standard, fast, unknown or null, was object");
    }

    // --- usage ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"[]:array", "\"1200\":string", "5:number", "false:boolean"})
    void rejectsUsageThatIsNotAnObject(String valueAndType) {
        int colon = valueAndType.lastIndexOf(':');

        assertThat(reasonFor(message("\"usage\":" + valueAndType.substring(0, colon))))
                .isEqualTo("usage: must be an object or null, was " + valueAndType.substring(colon + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"promptTokens", "completionTokens", "totalTokens", "cacheReadTokens", "cacheWriteTokens"})
    void rejectsANegativeCountInEveryUsageField(String field) {
        assertThat(reasonFor(usage("\"" + field + "\":-1"))).isEqualTo("usage." + field + ": must not be negative");
        assertThat(reasonFor(usage("\"" + field + "\":-99999999999999999999")))
                .isEqualTo("usage." + field + ": must not be negative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12.5", "1.0", "0.0", "-0.0", "1e3", "1E+2", "2147483647.0", "1e400"})
    void rejectsAFractionalOrExponentCount(String number) {
        assertThat(reasonFor(usage("\"completionTokens\":" + number)))
                .isEqualTo("usage.completionTokens: must be an integer, was a fractional or exponent number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "4294967296", "9417600000", "9223372036854775807", "9223372036854775808",
            "123456789012345678901234567890"})
    void rejectsACountOverInt4(String number) {
        assertThat(reasonFor(usage("\"totalTokens\":" + number))).isEqualTo("usage.totalTokens: exceeds 2147483647 (int4)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"12\":string", "true:boolean", "[1]:array", "{}:object"})
    void rejectsACountThatIsNotANumber(String valueAndType) {
        int colon = valueAndType.lastIndexOf(':');

        assertThat(reasonFor(usage("\"cacheReadTokens\":" + valueAndType.substring(0, colon))))
                .isEqualTo("usage.cacheReadTokens: must be an integer, was " + valueAndType.substring(colon + 1));
    }

    // --- billedAt -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "", "2026-05-23", "2026-05-23T05:00:00", "2026-05-23 05:00:00Z",
            "2026-02-30T05:00:00Z", "2026-05-23T24:00:00Z", "2026-05-23T05:00:60Z", "2026-05-23T05:00:00+25:00",
            "1779512400000", "2026-W21-6T05:00:00Z", "2026-05-23T05:00:00Z[UTC]"})
    void rejectsAnUnparsableBilledAt(String instant) {
        assertThat(reasonFor(message("\"billedAt\":\"" + instant + "\"")))
                .isEqualTo("billedAt: not an ISO-8601 instant with offset (e.g. 2026-05-23T05:00:00Z)");
    }

    @Test
    void rejectsABilledAtThatIsNotAString() {
        assertThat(reasonFor(message("\"billedAt\":1779512400000")))
                .isEqualTo("billedAt: must be an ISO-8601 instant string or null, was number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-12-31T23:59:59Z", "-0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
            "0001-01-01T00:30:00+01:00", "1582-10-10T00:00:00Z", "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00", "+999999999-12-31T23:59:59-18:00"})
    void rejectsABilledAtOutsideYears1970To9999InUtc(String instant) {
        assertThat(reasonFor(message("\"billedAt\":\"" + instant + "\""))).isEqualTo("billedAt: year outside 1970..9999");
    }

    // --- contract -----------------------------------------------------------------------

    @Test
    void reportsTheFirstProblemInDocumentOrder() {
        String body = "{\"usage\":{\"promptTokens\":-1},\"requestLogId\":\"nope\"}";

        assertThat(reasonFor(body)).isEqualTo("usage.promptTokens: must not be negative");
    }

    @Test
    void treatsANullSentTimestampAsACallerBug() {
        assertThatNullPointerException().isThrownBy(() -> parser.parse(message(""), null)).withMessage("sentTimestamp");
    }
}
