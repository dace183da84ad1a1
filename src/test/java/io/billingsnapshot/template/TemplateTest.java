package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.FUNCTION;
import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deadLetterQueue;
import static io.billingsnapshot.template.BillingStack.deltaQueue;
import static io.billingsnapshot.template.BillingStack.environment;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.BillingStack.redrivePolicy;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static io.billingsnapshot.template.BillingStack.sqsEvent;
import static io.billingsnapshot.template.CfnTemplate.list;
import static io.billingsnapshot.template.CfnTemplate.map;
import static io.billingsnapshot.template.DeployedStack.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.config.Config;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.db.DatabaseSettings.AuthMode;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a wrong template.yaml would silently break in production, checked before deploying. */
class TemplateTest {

    @Test
    void theHandlerNamesAPublicRequestHandlerOfSqsEventsAndBatchResponses() throws Exception {
        String[] handler = ((String) function().get("Handler")).split("::");
        assertThat(handler).hasSize(2);

        Class<?> type;
        try {
            type = Class.forName(handler[0]);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("template.yaml's Handler names " + handler[0] + ", which is not on the "
                    + "classpath: Lambda would fail every invocation with ClassNotFoundException", e);
        }

        assertThat(Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers()))
                .as("%s is a public concrete class", type.getName()).isTrue();
        assertThat(requestHandlerTypeArguments(type)).as("RequestHandler<?, ?> type arguments of %s", type.getName())
                .containsExactly(SQSEvent.class, SQSBatchResponse.class);
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
        assertThat(type.getMethod(handler[1], SQSEvent.class, Context.class).getReturnType())
                .isEqualTo(SQSBatchResponse.class);
    }

    private static Type[] requestHandlerTypeArguments(Class<?> type) {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            for (Type implemented : current.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType parameterized
                        && parameterized.getRawType() == RequestHandler.class) {
                    return parameterized.getActualTypeArguments();
                }
            }
        }
        return fail("%s does not implement RequestHandler", type.getName());
    }

    @Test
    void theFunctionRunsOnJava21Arm64WithSnapStartBehindAnAlias() {
        assertThat(function())
                .containsEntry("Runtime", "java21")
                .containsEntry("Architectures", List.of("arm64"))
                .containsEntry("CodeUri", ".")
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"))
                .containsKey("AutoPublishAlias")
                .containsKey("VpcConfig");
    }

    @Test
    void theRequiredVariablesAreSet() {
        assertThat(environment()).containsKeys(EnvVars.DB_URL, EnvVars.DB_USER, EnvVars.QUOTA_DELTA_QUEUE_URL);
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE);
        for (String required : List.of(EnvVars.DB_URL, EnvVars.DB_USER, EnvVars.QUOTA_DELTA_QUEUE_URL)) {
            assertThat(stack.string(environment().get(required))).as(required).isNotBlank();
        }
    }

    @Test
    void everyVariableTheTemplateSetsIsOneTheCodeReads() throws Exception {
        List<String> known = knownVariables();

        assertThat(environment().keySet()).allSatisfy(name -> assertThat(known).as("EnvVars constants").contains(name));
    }

    static List<String> knownVariables() throws IllegalAccessException {
        List<String> names = new java.util.ArrayList<>();
        for (java.lang.reflect.Field field : EnvVars.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "fifo"})
    void theDeployedEnvironmentIsAValidConfiguration(String deltaQueueType) {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE, Map.of("DeltaQueueType", deltaQueueType));
        Map<String, String> deployed = new HashMap<>();
        environment().forEach((name, value) -> deployed.put(name, stack.string(value)));
        deployed.put(EnvVars.AWS_REGION, DeployedStack.REGION); // set by Lambda

        Config config = Config.fromEnvironment(deployed);

        assertThat(config.database().url()).isEqualTo("jdbc:postgresql://"
                + "billing-snapshot-billing.proxy-c0ffee00.eu-west-1.rds.amazonaws.com:5432/gateway");
        assertThat(config.database().auth()).isEqualTo(AuthMode.IAM);
        assertThat(config.database().user()).isEqualTo("billing_snapshot");
        assertThat(config.quotaDeltaQueueUrl()).isEqualTo(DeployedStack.queueUrl(deltaQueue()));
        assertThat(config.sqsEndpoint()).isEmpty();
        assertThat(config.metricsNamespace()).isEqualTo("BillingSnapshot");
    }

    @Test
    void envJsonOverridesOnlyDeclaredVariablesAndIsAValidLocalConfiguration() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> envJson = new ObjectMapper().readValue(Path.of("env.json").toFile(), Map.class);

        assertThat(envJson).containsOnlyKeys(FUNCTION);
        Map<String, String> local = envJson.get(FUNCTION);
        // sam local invoke silently drops variables the template does not declare.
        assertThat(environment().keySet()).containsAll(local.keySet());
        Config config = Config.fromEnvironment(local);
        assertThat(config.database().auth()).isEqualTo(AuthMode.PASSWORD);
        assertThat(config.sqsEndpoint()).isPresent();
    }

    @Test
    void theSqsEventReportsBatchItemFailures() {
        assertThat(sqsEvent()).containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"));
    }

    @Test
    void theSqsEventBoundsConcurrencyAndBatchesWithinLambdasRules() {
        Map<String, Object> event = sqsEvent();
        @SuppressWarnings("unchecked")
        Map<String, Object> scaling = (Map<String, Object>) event.get("ScalingConfig");
        assertThat(scaling).containsKey("MaximumConcurrency");
        int batchSize = (Integer) event.get("BatchSize");
        int window = (Integer) event.getOrDefault("MaximumBatchingWindowInSeconds", 0);
        assertThat(batchSize).isBetween(1, 10_000);
        if (batchSize > 10) {
            assertThat(window).as("a batch above 10 needs a batching window of at least 1 s").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theSourceQueueRedrivesToADeadLetterQueueAfterFiveReceives() {
        Map<String, Object> redrive = redrivePolicy();

        assertThat(redrive).containsEntry("maxReceiveCount", 5);
        assertThat(redrive.get("deadLetterTargetArn")).isEqualTo(CfnTemplate.Fn.getAtt(deadLetterQueue(), "Arn"));
        assertThat(TEMPLATE.type(deadLetterQueue())).isEqualTo("AWS::SQS::Queue");
        assertThat(deadLetterQueue()).isNotIn(sourceQueue(), deltaQueue());
    }

    @Test
    void theSourceQueueVisibilityTimeoutIsAtLeastSixTimesTheFunctionTimeout() {
        int timeout = (Integer) function().get("Timeout");
        int window = (Integer) sqsEvent().getOrDefault("MaximumBatchingWindowInSeconds", 0);
        int visibility = (Integer) TEMPLATE.properties(sourceQueue()).get("VisibilityTimeout");

        assertThat(visibility).isGreaterThanOrEqualTo(6 * timeout + window);
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "fifo"})
    void theDeltaQueueIsFifoWithExplicitDeduplicationOnlyWhenAskedFor(String deltaQueueType) {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE, Map.of("DeltaQueueType", deltaQueueType));
        @SuppressWarnings("unchecked")
        Map<String, Object> queue = (Map<String, Object>) stack.evaluate(TEMPLATE.properties(deltaQueue()));

        if (deltaQueueType.equals("fifo")) {
            assertThat(queue).containsEntry("FifoQueue", true).containsEntry("ContentBasedDeduplication", false);
            assertThat((String) queue.get("QueueName")).endsWith(".fifo");
        } else {
            assertThat(queue).doesNotContainKeys("FifoQueue", "ContentBasedDeduplication");
            assertThat((String) queue.get("QueueName")).doesNotEndWith(".fifo");
        }
    }

    @Test
    void theOutboxSweepRunsOnAScheduleWithAnEmptyBatchTheRuntimeCanDeserialise() {
        Map<String, Object> schedule = BillingStack.event("Schedule");

        SQSEvent input = LambdaEventSerializers.serializerFor(SQSEvent.class, getClass().getClassLoader())
                .fromJson((String) schedule.get("Input"));

        assertThat((String) schedule.get("Schedule")).startsWith("rate(");
        assertThat(input.getRecords()).isNotNull().isEmpty();
    }

    @Test
    void theProxyRequiresIamAuthenticationAndTls() {
        String proxy = BillingStack.proxy();
        Map<String, Object> properties = TEMPLATE.properties(proxy);

        assertThat(properties).containsEntry("RequireTLS", true).containsEntry("EngineFamily", "POSTGRESQL");
        assertThat(list(properties.get("Auth"))).isNotEmpty().allSatisfy(auth ->
                assertThat(map(auth)).containsEntry("IAMAuth", "REQUIRED"));
        String targetGroup = TEMPLATE.onlyResourceOfType("AWS::RDS::DBProxyTargetGroup");
        assertThat(TEMPLATE.properties(targetGroup).get("DBProxyName")).isEqualTo(CfnTemplate.Fn.ref(proxy));
    }

    @Test
    void onlyTheProxyReachesTheDatabaseAndOnlyTheFunctionReachesTheProxy() {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE);
        List<Map<String, Object>> ingress = TEMPLATE.resourcesOfType("AWS::EC2::SecurityGroupIngress").stream()
                .map(id -> TEMPLATE.properties(id)).toList();
        String functionGroup = target(list(map(function().get("VpcConfig")).get("SecurityGroupIds")).get(0));
        String proxyGroup = target(list(TEMPLATE.properties(BillingStack.proxy()).get("VpcSecurityGroupIds")).get(0));

        assertThat(ingress).extracting(rule -> stack.string(rule.get("GroupId")), rule -> target(rule.get("SourceSecurityGroupId")))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("sg-0database", proxyGroup),
                        org.assertj.core.groups.Tuple.tuple("sg-" + proxyGroup.toLowerCase(), functionGroup));
        assertThat(ingress).allSatisfy(rule -> assertThat(rule).containsEntry("IpProtocol", "tcp"));
    }

    @Test
    void theOutputsGiveTheQueueUrls() {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE);
        List<String> outputs = TEMPLATE.section("Outputs").values().stream()
                .map(output -> stack.string(map(output).get("Value"))).toList();

        assertThat(outputs).contains(DeployedStack.queueUrl(sourceQueue()), DeployedStack.queueUrl(deltaQueue()),
                DeployedStack.queueUrl(deadLetterQueue()));
    }
}
