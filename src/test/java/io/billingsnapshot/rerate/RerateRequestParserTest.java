package io.billingsnapshot.rerate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.store.SnapshotRange;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests written as the JSON an operator passes to {@code aws lambda invoke}, parsed to maps as Lambda does. */
class RerateRequestParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RANGE = "\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-08T00:00:00Z\"";

    private static RerateRequest parse(String json) {
        return RerateRequestParser.parse(payload(json));
    }

    static Map<String, Object> payload(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    @Test
    void aRangeAloneReratesEveryModelAndIsADryRun() {
        RerateRequest request = parse("{" + RANGE + "}");

        assertThat(request).isEqualTo(new RerateRequest(Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-08T00:00:00Z"), Set.of(), false, true, Optional.empty()));
    }

    @Test
    void everyFieldIsTakenAsGiven() {
        RerateRequest request = parse("""
                {"from": "2026-11-01T02:00:00+02:00", "to": "2026-11-02T00:00:00.5Z",
                 "models": [" gpt-4o ", "claude-sonnet-4", "gpt-4o"], "onlyUnbilled": true, "dryRun": false,
                 "after": "2026-11-01T10:00:00.123456Z/cccccccc-0000-0000-0000-000000000002"}""");

        assertThat(request.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(request.to()).isEqualTo(Instant.parse("2026-11-02T00:00:00.5Z"));
        assertThat(request.models()).containsExactlyInAnyOrder("gpt-4o", "claude-sonnet-4");
        assertThat(request.onlyUnbilled()).isTrue();
        assertThat(request.dryRun()).isFalse();
        assertThat(request.after()).contains(new SnapshotRange.Key(Instant.parse("2026-11-01T10:00:00.123456Z"),
                UUID.fromString("cccccccc-0000-0000-0000-000000000002")));
    }

    @Test
    void nullsAreTheDefaults() {
        RerateRequest request = parse("{" + RANGE + ", \"models\": null, \"onlyUnbilled\": null, \"dryRun\": null,"
                + " \"after\": null}");

        assertThat(request.models()).isEmpty();
        assertThat(request.onlyUnbilled()).isFalse();
        assertThat(request.dryRun()).isTrue();
        assertThat(request.after()).isEmpty();
    }

    @Test
    void boundsAreKeptToTheMicrosecondLikeBilledAt() {
        RerateRequest request = parse("{\"from\": \"2026-11-01T00:00:00.0000009Z\", \"to\": \"2026-11-01T00:00:01.9999999Z\"}");

        assertThat(request.from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(request.to()).isEqualTo(Instant.parse("2026-11-01T00:00:01.999999Z"));
    }

    @Test
    void thirtyOneDaysIsTheLongestRange() {
        RerateRequest request = parse("{\"from\": \"2026-10-01T00:00:00Z\", \"to\": \"2026-11-01T00:00:00Z\"}");

        assertThat(request.to()).isEqualTo(request.from().plus(RerateRequestParser.MAX_RANGE));
        assertThatThrownBy(() -> parse("{\"from\": \"2026-10-01T00:00:00Z\", \"to\": \"2026-11-01T00:00:00.000001Z\"}"))
                .isInstanceOf(InvalidRerateRequestException.class)
                .hasMessage("invalid re-rate request: the range from 2026-10-01T00:00:00Z to 2026-11-01T00:00:00.000001Z"
                        + " is longer than 31 days; re-rate it in several calls of at most 31 days");
    }

    @Test
    void aCursorAtTheStartOfTheRangeIsInsideIt() {
        RerateRequest request = parse("{" + RANGE + ", \"after\": \"2026-11-01T00:00:00Z/cccccccc-0000-0000-0000-000000000002\"}");

        assertThat(request.after()).map(SnapshotRange.Key::billedAt).contains(request.from());
    }

    @Test
    void noRequestAtAllIsRefused() {
        assertThatThrownBy(() -> RerateRequestParser.parse(null))
                .isInstanceOf(InvalidRerateRequestException.class)
                .hasMessageContaining("must be a JSON object such as {\"from\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                                    | 'from' is required: an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z
            {"to": "2026-11-08T00:00:00Z"}                                        | 'from' is required
            {"from": "2026-11-01T00:00:00Z"}                                      | 'to' is required
            {"from": null, "to": "2026-11-08T00:00:00Z"}                          | 'from' is required
            {"from": 1764547200, "to": "2026-11-08T00:00:00Z"}                    | 'from' must be a string holding an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z, got a number
            {"from": "2026-11-01T00:00:00Z", "to": true}                          | 'to' must be a string holding an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z, got a boolean
            {"from": ["2026-11-01T00:00:00Z"], "to": "2026-11-08T00:00:00Z"}      | 'from' must be a string holding an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z, got a list
            {"from": "2026-11-01", "to": "2026-11-08T00:00:00Z"}                  | 'from' must be an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z, got '2026-11-01'
            {"from": "2026-11-01T00:00:00", "to": "2026-11-08T00:00:00Z"}         | 'from' must be an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z, got '2026-11-01T00:00:00'
            {"from": "2026-11-01T00:00:00Z", "to": "next tuesday"}                | 'to' must be an ISO-8601 instant with a time zone, such as 2026-11-01T00:00:00Z, got 'next tuesday'
            {"from": "1969-12-31T00:00:00Z", "to": "1970-01-02T00:00:00Z"}        | 'from' must lie in the years 1970 to 9999, got '1969-12-31T00:00:00Z'
            {"from": "9999-12-31T00:00:00Z", "to": "+10000-01-01T00:00:00Z"}      | 'to' must lie in the years 1970 to 9999, got '+10000-01-01T00:00:00Z'
            {"from": "+999999999-12-31T23:59:59-18:00", "to": "2026-11-08T00:00:00Z"} | 'from' must lie in the years 1970 to 9999
            {"from": "2026-11-08T00:00:00Z", "to": "2026-11-08T00:00:00Z"}        | 'from' (2026-11-08T00:00:00Z) must be before 'to' (2026-11-08T00:00:00Z)
            {"from": "2026-11-08T00:00:00Z", "to": "2026-11-01T00:00:00Z"}        | 'from' (2026-11-08T00:00:00Z) must be before 'to' (2026-11-01T00:00:00Z)
            {"from": "2026-11-08T01:00:00+02:00", "to": "2026-11-07T22:30:00Z"}   | 'from' (2026-11-07T23:00:00Z) must be before 'to' (2026-11-07T22:30:00Z)
            {"from": "2026-01-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}        | is longer than 31 days
            """)
    void aRequestWithoutAValidRangeIsRefused(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidRerateRequestException.class)
                .hasMessageStartingWith("invalid re-rate request: ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "models": "gpt-4o"            | 'models' must be a list of model names, such as ["gpt-4o"], got a string
            "models": {"gpt-4o": true}    | 'models' must be a list of model names, such as ["gpt-4o"], got an object
            "models": []                  | 'models' is empty: list at least one model, or leave 'models' out to re-rate every model
            "models": ["gpt-4o", 4]       | 'models' must hold model names (non-blank strings), got a number
            "models": ["gpt-4o", null]    | 'models' must hold model names (non-blank strings), got null
            "models": ["  "]              | 'models' must hold model names (non-blank strings), got '  '
            "onlyUnbilled": "true"        | 'onlyUnbilled' must be true or false (a JSON boolean, without quotes), got a string 'true'
            "onlyUnbilled": 1             | 'onlyUnbilled' must be true or false (a JSON boolean, without quotes), got a number
            "dryRun": "false"             | 'dryRun' must be true or false (a JSON boolean, without quotes), got a string 'false'
            "dryRun": 0                   | 'dryRun' must be true or false (a JSON boolean, without quotes), got a number
            "dryRun": []                  | 'dryRun' must be true or false (a JSON boolean, without quotes), got a list
            "after": 42                   | 'after' must be the 'next' of an earlier call (<billed_at>/<request_log_id>), got a number
            "after": "next"               | 'after' must be the 'next' of an earlier call (<billed_at>/<request_log_id>), got 'next'
            "after": "2026-11-02T00:00:00Z" | got '2026-11-02T00:00:00Z'
            "after": "2026-11-02T00:00:00Z/1-2-3-4-5" | got '2026-11-02T00:00:00Z/1-2-3-4-5'
            "after": "2026-11-02/cccccccc-0000-0000-0000-000000000002" | got '2026-11-02/cccccccc-0000-0000-0000-000000000002'
            "after": "2026-10-31T23:59:59.999999Z/cccccccc-0000-0000-0000-000000000002" | 'after' (2026-10-31T23:59:59.999999Z/cccccccc-0000-0000-0000-000000000002) lies outside [from, to): continue with the 'from' and 'to' of the call that returned it
            "after": "2026-11-08T00:00:00Z/cccccccc-0000-0000-0000-000000000002" | 'after' (2026-11-08T00:00:00Z/cccccccc-0000-0000-0000-000000000002) lies outside [from, to)
            "dryrun": false               | unknown field 'dryrun'; the fields are from, to, models, onlyUnbilled, dryRun, after
            "model": "gpt-4o"             | unknown field 'model'; the fields are from, to, models, onlyUnbilled, dryRun, after
            """)
    void aFieldOfTheWrongTypeOrValueIsRefused(String field, String message) {
        assertThatThrownBy(() -> parse("{" + RANGE + ", " + field + "}"))
                .isInstanceOf(InvalidRerateRequestException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aLongRefusedValueIsQuotedShortened() {
        String model = "m".repeat(500);

        assertThatThrownBy(() -> parse("{\"from\": \"" + model + "\", \"to\": \"2026-11-08T00:00:00Z\"}"))
                .hasMessageEndingWith("got '" + "m".repeat(80) + "…'");
    }
}
