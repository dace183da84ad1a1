package io.billingsnapshot.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A JSON Schema of the queue contract (docs/schemas/, referenced by docs/asyncapi.yaml), to check
 * message bodies against in tests: {@code ContractSchema.QUOTA_DELTA_MESSAGE.requireValid(body)}
 * wherever a test reads what the function published. Format keywords (date-time, uuid) are
 * asserted, as the schemas mean them. Thread-safe.
 */
public final class ContractSchema {

    /** Where the schemas live (tests run in the project's directory). */
    public static final Path DIRECTORY = Path.of("docs", "schemas");
    /** A message may be 256 KiB: a failure shows its beginning. */
    private static final int MAX_BODY_SHOWN = 2_000;

    /** Strict JSON, as the function reads it: a body with a duplicate key or trailing content is not one JSON value. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
            registry -> registry.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    /** The gateway's request-completion message, the function's input. */
    public static final ContractSchema REQUEST_COMPLETION = new ContractSchema("request-completion.schema.json");
    /** The packed quota-delta message the function publishes. */
    public static final ContractSchema QUOTA_DELTA_MESSAGE = new ContractSchema("quota-delta-message.schema.json");

    private final String fileName;
    private final Schema schema;

    private ContractSchema(String fileName) {
        this.fileName = fileName;
        Path file = DIRECTORY.resolve(fileName);
        try {
            // Read here: the validator's default loaders fetch no file: URIs; the schemas' $refs are internal.
            this.schema = REGISTRY.getSchema(SchemaLocation.of(file.toAbsolutePath().toUri().toString()),
                    JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        this.schema.initializeValidators(); // a broken $ref fails here, not in the first validation
    }

    public String fileName() {
        return fileName;
    }

    /** What is wrong with {@code body} by this schema: empty when it conforms. */
    public List<String> violations(String body) {
        JsonNode value;
        try {
            value = JSON.readTree(body);
        } catch (JsonProcessingException notJson) {
            return List.of("not read as one JSON value: " + notJson.getOriginalMessage());
        }
        return value.isMissingNode() ? List.of("not read as one JSON value: empty body") : violations(value);
    }

    public List<String> violations(JsonNode value) {
        return schema.validate(value).stream().map(Error::toString).toList();
    }

    /** Fails with every violation listed unless {@code body} conforms to this schema. */
    public void requireValid(String body) {
        List<String> violations = violations(body);
        if (!violations.isEmpty()) {
            String shown = body.length() > MAX_BODY_SHOWN ? body.substring(0, MAX_BODY_SHOWN) + "…" : body;
            throw new AssertionError(fileName + " rejects the message: " + violations + "\n" + shown);
        }
    }
}
