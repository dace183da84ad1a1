package io.billingsnapshot.message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Random request-completion messages for the fuzz tests: a valid message as a list of JSON
 * members (name and raw value text) together with the {@link RequestCompletion} it must
 * parse to, and random JSON values and strings for mutating it.
 */
final class RandomMessages {

    static final String[] USAGE_FIELDS = {"promptTokens", "completionTokens", "totalTokens", "cacheReadTokens", "cacheWriteTokens"};
    static final String[] TOP_FIELDS = {"requestLogId", "apiKeyId", "upstreamId", "userId", "model",
        "requestedServiceTier", "effectiveServiceTier", "usage", "billedAt"};
    private static final String[] MODELS = {"gpt-4o", "claude-sonnet-4-5", "gemini-2.5-pro", "o3-mini", "Qwen/Qwen3-235B"};
    private static final String JSON_CHARS = "{}[]\":,.-+eE0123456789\\ntrufalsNI u";
    private static final String[] SPACES = {" ", "\t", "\n", "\r\n", "\u2003"};

    /** A JSON object member; {@code value} is raw JSON text. */
    record Member(String name, String value) {
    }

    record Generated(List<Member> members, RequestCompletion expected) {
    }

    private final Random random;

    RandomMessages(Random random) {
        this.random = random;
    }

    /** A valid message with random values, random omissions and random unknown members. */
    Generated validMessage(Instant sentTimestamp) {
        List<Member> members = new ArrayList<>();
        UUID requestLogId = randomUuid();
        members.add(new Member("requestLogId", quote(uuidText(requestLogId))));
        UUID apiKeyId = optionalUuid("apiKeyId", members);
        UUID upstreamId = optionalUuid("upstreamId", members);
        UUID userId = optionalUuid("userId", members);
        String model = null;
        if (random.nextInt(5) > 0) {
            String core = random.nextBoolean() ? pick(MODELS) : modelCore();
            String padded = random.nextInt(3) == 0 ? pick(SPACES) + core + pick(SPACES) : core;
            members.add(new Member("model", quote(padded)));
            model = core.isEmpty() ? null : core;
        }
        ServiceTier requested = random.nextInt(3) == 0 ? null : (random.nextBoolean() ? ServiceTier.STANDARD : ServiceTier.FAST);
        if (requested != null || random.nextBoolean()) {
            members.add(new Member("requestedServiceTier", requested == null ? "null" : quote(requested.wireName())));
        }
        ServiceTier effective = random.nextInt(4) == 0 ? null : pick(ServiceTier.values());
        if (effective != null || random.nextBoolean()) {
            members.add(new Member("effectiveServiceTier", effective == null ? "null" : quote(effective.wireName())));
        }
        Usage usage = Usage.NONE;
        if (random.nextInt(6) > 0) {
            int[] counts = new int[USAGE_FIELDS.length];
            StringBuilder object = new StringBuilder("{");
            for (int i = 0; i < USAGE_FIELDS.length; i++) {
                if (random.nextInt(4) > 0) {
                    counts[i] = randomCount();
                    object.append(object.length() > 1 ? "," : "").append(quote(USAGE_FIELDS[i])).append(':').append(counts[i]);
                }
            }
            usage = new Usage(counts[0], counts[1], counts[2], counts[3], counts[4]);
            members.add(new Member("usage", object.append('}').toString()));
        }
        Instant billedAt = sentTimestamp;
        if (random.nextInt(4) > 0) {
            // Anywhere in 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, the accepted range.
            billedAt = Instant.ofEpochSecond((long) (random.nextDouble() * 253_402_300_799L),
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            members.add(new Member("billedAt", quote(instantText(billedAt))));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            members.add(new Member("extra" + i, randomValue(2)));
        }
        Collections.shuffle(members, random);
        return new Generated(members, new RequestCompletion(requestLogId, apiKeyId, upstreamId, userId, model,
                requested, effective == null ? ServiceTier.UNKNOWN : effective, usage,
                billedAt.truncatedTo(ChronoUnit.MICROS)));
    }

    /** Renders members as a JSON object with random insignificant whitespace. */
    String render(List<Member> members) {
        StringBuilder json = new StringBuilder(space()).append('{');
        for (int i = 0; i < members.size(); i++) {
            json.append(i == 0 ? "" : ",").append(space()).append(quote(members.get(i).name()))
                    .append(space()).append(':').append(space()).append(members.get(i).value());
        }
        return json.append(space()).append('}').append(space()).toString();
    }

    /** Any JSON value, biased towards the ones that stress the field rules. */
    String randomValue(int depth) {
        return switch (random.nextInt(depth > 0 ? 14 : 12)) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> Integer.toString(random.nextInt());
            case 3 -> Long.toString(random.nextLong());
            case 4 -> (random.nextBoolean() ? "-" : "") + "9".repeat(1 + random.nextInt(40));
            case 5 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(20)));
            case 6 -> random.nextInt(100) + (random.nextBoolean() ? "e" : "E") + (random.nextInt(600) - 300);
            case 7 -> quote(uuidText(randomUuid()));
            case 8 -> quote(pick(new String[] {"standard", "fast", "unknown", "Standard", "priority", "", " "}));
            case 9 -> quote(instantText(Instant.ofEpochSecond(random.nextLong() % 400_000_000_000L)));
            case 10 -> quote(randomText(random.nextInt(random.nextInt(10) == 0 ? 400 : 30)));
            case 11 -> quote("x".repeat(250 + random.nextInt(10)));
            case 12 -> "[" + randomValue(depth - 1) + (random.nextBoolean() ? "," + randomValue(depth - 1) : "") + "]";
            default -> "{" + quote(random.nextBoolean() ? pick(USAGE_FIELDS) : randomName(3)) + ":" + randomValue(depth - 1) + "}";
        };
    }

    /** Random characters from every class that matters: JSON syntax, controls, surrogates, non-BMP. */
    String randomText(int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.appendCodePoint(randomCodePoint());
        }
        return text.toString();
    }

    /**
     * A member name: {@link #randomText} without surrogates. Jackson refuses in a name an unpaired
     * surrogate and a pair that {@link #quote} escapes only half of, so a body with one is
     * invalid JSON (MessageParserDependencyTest).
     */
    String randomName(int length) {
        StringBuilder name = new StringBuilder();
        while (name.length() < length) {
            int codePoint = randomCodePoint();
            if (codePoint < Character.MIN_SUPPLEMENTARY_CODE_POINT && Character.getType(codePoint) != Character.SURROGATE) {
                name.appendCodePoint(codePoint);
            }
        }
        return name.toString();
    }

    char randomChar() {
        return switch (random.nextInt(4)) {
            case 0 -> JSON_CHARS.charAt(random.nextInt(JSON_CHARS.length()));
            case 1 -> (char) random.nextInt(0x80);
            case 2 -> (char) (0xD800 + random.nextInt(0x800)); // lone surrogate
            default -> (char) random.nextInt(0x10000);
        };
    }

    private int randomCodePoint() {
        return switch (random.nextInt(6)) {
            case 0, 1 -> 0x20 + random.nextInt(0x5F);
            case 2 -> random.nextInt(0x20);
            case 3 -> random.nextInt(0x10000);
            case 4 -> 0x10000 + random.nextInt(0x100000);
            default -> pick(new Integer[] {0xFFFD, 0xFEFF, 0xD800, 0xDFFF, 0x7F, 0x85, 0xA0, 0x2028});
        };
    }

    /** Text storable as a model: no control, surrogate or U+FFFD, no whitespace at the ends. */
    private String modelCore() {
        StringBuilder core = new StringBuilder();
        int length = random.nextInt(random.nextInt(8) == 0 ? 255 : 40);
        for (int i = 0; i < length; i++) {
            int codePoint;
            do {
                codePoint = randomCodePoint();
            } while (Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.SURROGATE
                    || codePoint == 0xFFFD || ((i == 0 || i == length - 1) && Character.isWhitespace(codePoint)));
            core.appendCodePoint(codePoint);
        }
        return core.toString();
    }

    private int randomCount() {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Integer.MAX_VALUE;
            case 2 -> random.nextInt(10_000);
            default -> random.nextInt(Integer.MAX_VALUE);
        };
    }

    private UUID optionalUuid(String name, List<Member> members) {
        int choice = random.nextInt(3);
        if (choice == 0) {
            return null; // absent
        }
        if (choice == 1) {
            members.add(new Member(name, "null"));
            return null;
        }
        UUID id = randomUuid();
        members.add(new Member(name, quote(uuidText(id))));
        return id;
    }

    private UUID randomUuid() {
        return new UUID(random.nextLong(), random.nextLong());
    }

    private String uuidText(UUID id) {
        return random.nextInt(5) == 0 ? id.toString().toUpperCase(java.util.Locale.ROOT) : id.toString();
    }

    private String instantText(Instant instant) {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(60 * (random.nextInt(18 * 60 * 2 + 1) - 18 * 60));
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(offset));
    }

    /** A JSON string literal; escapes what must be escaped and, at random, anything else. */
    String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || random.nextInt(20) == 0) {
                json.append("\\u").append(Integer.toHexString(0x10000 | c), 1, 5);
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private String space() {
        return random.nextInt(3) == 0 ? pick(new String[] {" ", "\n", "\t", "\r\n  "}) : "";
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
