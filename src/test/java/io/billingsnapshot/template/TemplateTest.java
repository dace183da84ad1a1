package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.FUNCTION;
import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deltaQueue;
import static io.billingsnapshot.template.BillingStack.environment;
import static io.billingsnapshot.template.BillingStack.function;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.Config;
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

/** The function in template.yaml: its handler, runtime and environment match the code. */
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

    static Type[] requestHandlerTypeArguments(Class<?> type) {
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
    void theFunctionRunsOnJava25Arm64WithSnapStartBehindAnAlias() {
        assertThat(function())
                .containsEntry("Runtime", "java25")
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
}
