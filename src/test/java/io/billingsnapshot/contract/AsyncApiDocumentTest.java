package io.billingsnapshot.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.message.RequestCompletion;
import io.billingsnapshot.message.ServiceTier;
import io.billingsnapshot.message.Usage;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.testing.ContractSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docs/asyncapi.yaml is an AsyncAPI 3 document whose references all resolve, whose payloads are
 * the schema files the tests validate with, whose examples conform to them, and whose pinned
 * names (queues, fields, enums) are the code's. The official AsyncAPI parser's check is in
 * docs/design.md ("The contract, machine-readable"); it needs Node, so it is not part of the build.
 */
class AsyncApiDocumentTest {

    private static final Path DOCUMENT = Path.of("docs", "asyncapi.yaml");
    private static final String DRAFT_07 = "application/schema+json;version=draft-07";
    private static final JsonNode ASYNCAPI = load();

    @Test
    void isAnAsyncApi3DocumentWithTheFourQueueVariantsAndTheirOperations() {
        assertThat(ASYNCAPI.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(fieldNames(ASYNCAPI.path("channels")))
                .containsExactlyInAnyOrder("requestCompletions", "requestCompletionsFifo", "quotaDeltas", "quotaDeltasFifo");
        assertThat(fieldNames(ASYNCAPI.path("components").path("messages")))
                .containsExactlyInAnyOrder("requestCompletion", "quotaDeltas");

        assertOperation("receiveRequestCompletions", "receive", "requestCompletions", "requestCompletion");
        assertOperation("receiveRequestCompletionsFifo", "receive", "requestCompletionsFifo", "requestCompletion");
        assertOperation("sendQuotaDeltas", "send", "quotaDeltas", "quotaDeltas");
        assertOperation("sendQuotaDeltasFifo", "send", "quotaDeltasFifo", "quotaDeltas");
    }

    @Test
    void everyReferenceResolvesAndThePayloadsAreTheSchemaFilesTheTestsValidateWith() throws IOException {
        List<String> refs = new ArrayList<>();
        collectRefs(ASYNCAPI, refs);

        assertThat(refs).hasSizeGreaterThan(10);
        for (String ref : refs) {
            if (ref.startsWith("#/")) {
                assertThat(ASYNCAPI.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
            } else {
                assertThat(DOCUMENT.resolveSibling(ref).normalize()).as(ref).isRegularFile();
            }
        }
        assertThat(payloadFile("requestCompletion")).isEqualTo(schemaFile(ContractSchema.REQUEST_COMPLETION));
        assertThat(payloadFile("quotaDeltas")).isEqualTo(schemaFile(ContractSchema.QUOTA_DELTA_MESSAGE));
        for (ContractSchema schema : List.of(ContractSchema.REQUEST_COMPLETION, ContractSchema.QUOTA_DELTA_MESSAGE)) {
            JsonNode file = new ObjectMapper().readTree(schemaFile(schema).toFile());
            assertThat(file.path("$schema").asText()).as("the draft the payload's schemaFormat names")
                    .isEqualTo("http://json-schema.org/draft-07/schema#");
        }
    }

    @Test
    void everyExampleConformsToItsPayloadSchema() {
        assertExamples("requestCompletion", ContractSchema.REQUEST_COMPLETION, 2);
        assertExamples("quotaDeltas", ContractSchema.QUOTA_DELTA_MESSAGE, 1);
    }

    @Test
    void queueNamesAndFifoFlagsAgreeWithEachOtherAndWithTheTemplate() throws IOException {
        String template = Files.readString(Path.of("template.yaml"), StandardCharsets.UTF_8);

        for (String channel : fieldNames(ASYNCAPI.path("channels"))) {
            JsonNode queue = ASYNCAPI.path("channels").path(channel).path("bindings").path("sqs").path("queue");
            boolean fifo = channel.endsWith("Fifo");
            assertThat(queue.path("fifoQueue").asBoolean()).as(channel).isEqualTo(fifo);
            assertThat(queue.path("name").asText().endsWith(".fifo")).as(channel).isEqualTo(fifo);
        }
        assertThat(address("quotaDeltas")).isEqualTo("{stackName}-quota-deltas");
        assertThat(address("quotaDeltasFifo")).isEqualTo("{stackName}-quota-deltas.fifo");
        assertThat(template).contains("\"${AWS::StackName}-quota-deltas\"", "\"${AWS::StackName}-quota-deltas.fifo\"");
        assertThat(template).contains("RequestCompletionQueue:", "RequestCompletionDeadLetterQueue:", "maxReceiveCount: 5");
    }

    @Test
    void theSchemasNameTheFieldsAndWireNamesOfTheCode() {
        JsonNode completion = schema(ContractSchema.REQUEST_COMPLETION);
        JsonNode delta = schema(ContractSchema.QUOTA_DELTA_MESSAGE);

        assertThat(fieldNames(completion.path("properties"))).containsExactlyInAnyOrderElementsOf(components(RequestCompletion.class));
        assertThat(fieldNames(completion.at("/properties/usage/properties"))).containsExactlyInAnyOrderElementsOf(components(Usage.class));
        assertThat(texts(completion.at("/properties/effectiveServiceTier/enum")))
                .containsExactlyInAnyOrderElementsOf(wireNames(ServiceTier.values()));
        assertThat(texts(completion.at("/properties/requestedServiceTier/enum")))
                .containsExactlyInAnyOrderElementsOf(wireNames(ServiceTier.STANDARD, ServiceTier.FAST));

        assertThat(fieldNames(delta.at("/definitions/delta/properties"))).containsExactlyInAnyOrderElementsOf(components(QuotaDelta.class));
        assertThat(fieldNames(delta.at("/definitions/adjustment/properties"))).containsExactlyInAnyOrderElementsOf(components(Adjustment.class));
        assertThat(texts(delta.at("/definitions/adjustment/properties/scope/enum"))).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Adjustment.Scope.values()).map(Adjustment.Scope::wireName).toList());
    }

    @Test
    void namesTheSqsAttributesThatMatter() {
        String completion = ASYNCAPI.at("/components/messages/requestCompletion/description").asText();
        String deltas = ASYNCAPI.at("/components/messages/quotaDeltas/description").asText();

        assertThat(completion).contains("`SentTimestamp`", "`MessageGroupId`", "`" + EnvVars.MAX_FUTURE_SKEW_SECONDS + "`",
                "`" + EnvVars.MAX_BILLED_AT_AGE_DAYS + "`", "`" + FailureReason.BILLED_AT_IN_FUTURE.wireName() + "`",
                "`" + FailureReason.BILLED_AT_TOO_OLD.wireName() + "`");
        assertThat(deltas).contains("`MessageGroupId`", "`MessageDeduplicationId`", "docs/design.md §6",
                "`" + EnvVars.QUOTA_DELTA_MAX_MESSAGE_BYTES + "`");
    }

    private static void assertOperation(String name, String action, String channel, String message) {
        JsonNode operation = ASYNCAPI.path("operations").path(name);
        assertThat(operation.path("action").asText()).as(name).isEqualTo(action);
        assertThat(operation.at("/channel/$ref").asText()).as(name).isEqualTo("#/channels/" + channel);
        assertThat(texts(operation.path("messages"), "$ref")).as(name)
                .containsExactly("#/channels/" + channel + "/messages/" + message);
        assertThat(ASYNCAPI.at("/channels/" + channel + "/messages/" + message + "/$ref").asText())
                .isEqualTo("#/components/messages/" + message);
    }

    private static void assertExamples(String message, ContractSchema schema, int atLeast) {
        JsonNode examples = ASYNCAPI.at("/components/messages/" + message + "/examples");
        assertThat(examples.size()).as(message).isGreaterThanOrEqualTo(atLeast);
        for (JsonNode example : examples) {
            assertThat(schema.violations(example.path("payload"))).as(message + " " + example.path("name")).isEmpty();
        }
    }

    private static Path payloadFile(String message) {
        JsonNode payload = ASYNCAPI.at("/components/messages/" + message + "/payload");
        assertThat(payload.path("schemaFormat").asText()).as(message).isEqualTo(DRAFT_07);
        return DOCUMENT.resolveSibling(payload.at("/schema/$ref").asText()).normalize();
    }

    private static Path schemaFile(ContractSchema schema) {
        return ContractSchema.DIRECTORY.resolve(schema.fileName()).normalize();
    }

    private static JsonNode schema(ContractSchema schema) {
        try {
            return new ObjectMapper().readTree(schemaFile(schema).toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String address(String channel) {
        return ASYNCAPI.path("channels").path(channel).path("address").asText();
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject() && node.has("$ref")) {
            refs.add(node.get("$ref").asText());
        }
        node.forEach(child -> collectRefs(child, refs));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).filter(n -> !n.isNull()).map(JsonNode::asText).toList();
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText()).toList();
    }

    private static List<String> components(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList();
    }

    private static List<String> wireNames(ServiceTier... tiers) {
        return Stream.of(tiers).map(ServiceTier::wireName).collect(Collectors.toList());
    }

    private static JsonNode load() {
        try {
            Object yaml = new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(DOCUMENT, StandardCharsets.UTF_8));
            return new ObjectMapper().valueToTree(yaml);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + DOCUMENT, e);
        }
    }
}
