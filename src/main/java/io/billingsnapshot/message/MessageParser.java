package io.billingsnapshot.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Parses and validates request-completion message bodies (docs/design.md §3). Pure and
 * thread-safe: one instance may serve every record of every batch.
 *
 * <p>Streams the body with Jackson so each field is checked as it is read and unknown
 * fields are skipped without being materialised. Every rejection is an
 * {@link InvalidMessageException} whose reason names the field and the rule but never
 * echoes the body: Jackson's own messages quote body text, so they are never passed on.
 */
public final class MessageParser {

    /** SQS's maximum message size (1 MiB); a UTF-8 body never has more chars than bytes. */
    static final int MAX_BODY_CHARS = 1024 * 1024;
    /** The message is two levels deep; 64 leaves room for nested unknown fields. */
    static final int MAX_NESTING_DEPTH = 64;
    /** Jackson's default, pinned: no count needs more than 10 digits. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private static final Set<String> FIELDS = Set.of(
            "requestLogId", "apiKeyId", "upstreamId", "userId", "model", "requestedServiceTier",
            "effectiveServiceTier", "usage", "billedAt", "promptTokens", "completionTokens",
            "totalTokens", "cacheReadTokens", "cacheWriteTokens");

    /** The usage counts, in the order of {@link Usage}'s components; a missing one is 0. */
    private static final List<String> USAGE_FIELDS = List.of(
            "promptTokens", "completionTokens", "totalTokens", "cacheReadTokens", "cacheWriteTokens");

    // JsonFactory is thread-safe once built; parsers are created per call.
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .build();

    /**
     * @param body the SQS message body; any string, null included, either parses or is rejected
     * @param sentTimestamp the record's SentTimestamp: {@code billedAt} when the body has none;
     *     never null (a caller bug, not a bad message)
     * @throws InvalidMessageException with a loggable reason for anything docs/design.md §3 rejects
     */
    public RequestCompletion parse(String body, Instant sentTimestamp) throws InvalidMessageException {
        Objects.requireNonNull(sentTimestamp, "sentTimestamp");
        if (body == null) {
            throw new InvalidMessageException("body is null");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw new InvalidMessageException("body is longer than " + MAX_BODY_CHARS + " characters");
        }
        if (body.isBlank()) {
            throw new InvalidMessageException("body is empty or blank");
        }
        try (JsonParser parser = JSON.createParser(body)) {
            RequestCompletion message = readMessage(parser, sentTimestamp);
            requireNothingAfter(parser);
            return message;
        } catch (StreamConstraintsException e) {
            throw new InvalidMessageException(limitReason(e));
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException(syntaxReason(e));
        } catch (IOException e) {
            // A String source performs no I/O; kept distinct so the reason stays truthful.
            throw new InvalidMessageException("body could not be read");
        }
    }

    private static RequestCompletion readMessage(JsonParser parser, Instant sentTimestamp)
            throws IOException, InvalidMessageException {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw new InvalidMessageException("body is not a JSON object (was " + FieldRules.typeName(first) + ")");
        }
        UUID requestLogId = null;
        UUID apiKeyId = null;
        UUID upstreamId = null;
        UUID userId = null;
        String model = null;
        ServiceTier requested = null;
        ServiceTier effective = ServiceTier.UNKNOWN;
        Usage usage = Usage.NONE;
        Instant billedAt = sentTimestamp;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "requestLogId" -> requestLogId = FieldRules.uuid(field, parser, value);
                case "apiKeyId" -> apiKeyId = FieldRules.uuid(field, parser, value);
                case "upstreamId" -> upstreamId = FieldRules.uuid(field, parser, value);
                case "userId" -> userId = FieldRules.uuid(field, parser, value);
                case "model" -> model = FieldRules.model(parser, value);
                case "requestedServiceTier" -> requested = FieldRules.requestedTier(parser, value);
                case "effectiveServiceTier" -> effective = FieldRules.effectiveTier(parser, value);
                case "usage" -> usage = readUsage(parser, value);
                case "billedAt" -> billedAt = FieldRules.instantOr(parser, value, sentTimestamp);
                default -> parser.skipChildren();
            }
        }
        if (requestLogId == null) {
            throw new InvalidMessageException("requestLogId: required");
        }
        return new RequestCompletion(requestLogId, apiKeyId, upstreamId, userId, model,
                requested, effective, usage, billedAt);
    }

    private static Usage readUsage(JsonParser parser, JsonToken value) throws IOException, InvalidMessageException {
        if (value == JsonToken.VALUE_NULL) {
            return Usage.NONE;
        }
        if (value != JsonToken.START_OBJECT) {
            throw new InvalidMessageException("usage: must be an object or null, was " + FieldRules.typeName(value));
        }
        int[] counts = new int[USAGE_FIELDS.size()];
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            int index = USAGE_FIELDS.indexOf(field);
            if (index >= 0) {
                counts[index] = FieldRules.count(field, parser, token);
            } else {
                parser.skipChildren();
            }
        }
        return new Usage(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    private static void requireNothingAfter(JsonParser parser) throws InvalidMessageException {
        try {
            if (parser.nextToken() == null) {
                return;
            }
        } catch (IOException e) {
            // Unparsable trailing text is still trailing content, not a malformed object.
        }
        throw new InvalidMessageException("body has content after the JSON object" + at(parser.currentLocation()));
    }

    private static String syntaxReason(JsonProcessingException e) {
        String original = Objects.requireNonNullElse(e.getOriginalMessage(), "");
        // Jackson's duplicate-key message is "Duplicate field 'name'"; the name is only
        // echoed when it is one of ours, since an arbitrary key is body content.
        String prefix = "Duplicate field '";
        if (original.startsWith(prefix)) {
            String name = original.endsWith("'") && original.length() > prefix.length()
                    ? original.substring(prefix.length(), original.length() - 1)
                    : "";
            return FIELDS.contains(name)
                    ? "body has a duplicate key: " + name
                    : "body has a duplicate key" + at(e.getLocation());
        }
        return "body is not valid JSON" + at(e.getLocation());
    }

    private static String limitReason(StreamConstraintsException e) {
        String original = Objects.requireNonNullElse(e.getOriginalMessage(), "");
        if (original.contains("getMaxNestingDepth")) {
            return "body nests deeper than " + MAX_NESTING_DEPTH + " levels";
        }
        if (original.contains("getMaxNumberLength")) {
            return "body has a number longer than " + MAX_NUMBER_LENGTH + " characters";
        }
        return "body exceeds JSON parser limits";
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
