package io.billingsnapshot.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What the Jackson release under the parser must do for untrusted bodies, pinned so that a
 * downgrade fails here (docs/dependencies.md): the fixes of jackson-core 2.21.6+ on the
 * {@code String} input path, the one {@link MessageParser} reads bodies through.
 */
class MessageParserDependencyTest {

    private static final Instant SENT = Instant.parse("2026-12-01T00:00:00Z");
    private static final String MESSAGE_START = "{\"requestLogId\":\"cccccccc-0000-4000-8000-000000000001\","
            + "\"model\":\"gpt-4o\",\"usage\":{\"promptTokens\":10},";

    private final MessageParser parser = new MessageParser();

    @Test
    void anOverlongFieldNameIsRefusedOnceItPassesTheLimitNotAfterItWasReadWhole() throws Exception {
        String body = "{\"" + "n".repeat(1_000_000) + "\":1}";

        // Jackson 2.21.4 (CVE-2026-68498) read all 1,000,000 characters into its buffer first.
        try (JsonParser json = new JsonFactory().createParser(body)) {
            assertThat(json.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThatThrownBy(json::nextToken).isInstanceOf(StreamConstraintsException.class);
            assertThat(json.currentLocation().getCharOffset()).as("characters read").isLessThan(100_000);
        }
        assertThatThrownBy(() -> parser.parse(body, SENT)).isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("body exceeds JSON parser limits");
    }

    @Test
    void aBrokenSurrogateInAFieldNameMakesTheBodyInvalidButInAnUnknownFieldsValueIsIgnored() throws Exception {
        // Refused from a String since 2.21.6, as from bytes before; 2.21.4 accepted both from a String.
        char high = (char) 0xD83D;
        char low = (char) 0xDE00;
        for (String name : new String[] {"extra\\ud800", "extra" + high + "\\ude00", "extra\\ud83d" + low}) {
            assertThatThrownBy(() -> parser.parse(MESSAGE_START + "\"" + name + "\":1}", SENT))
                    .isInstanceOf(InvalidMessageException.class).hasMessageStartingWith("body is not valid JSON");
        }

        for (String fine : new String[] {"\"extra" + high + low + "\":1", "\"extra\\ud83d\\ude00\":1",
                "\"extra\":\"\\ud800\""}) {
            assertThat(parser.parse(MESSAGE_START + fine + "}", SENT).model()).isEqualTo("gpt-4o");
        }
    }
}
