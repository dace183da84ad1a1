package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.FUNCTION;
import static io.billingsnapshot.template.BillingStack.RERATE_FUNCTION;
import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deltaQueue;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.CfnTemplate.map;
import static io.billingsnapshot.template.DeployedStack.target;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import io.billingsnapshot.Config;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.db.DatabaseSettings.AuthMode;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The re-rating function: an operator's entry point beside the billing function, with less power. */
class TemplateRerateTest {

    private static final CfnEvaluator STACK = DeployedStack.evaluator(TEMPLATE);

    private static Map<String, Object> rerate() {
        return TEMPLATE.properties(RERATE_FUNCTION);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variables(Map<String, Object> function) {
        return (Map<String, Object>) map(function.get("Environment")).get("Variables");
    }

    private static Map<String, String> deployedEnvironment(Map<String, Object> function) {
        Map<String, String> deployed = new HashMap<>();
        variables(function).forEach((name, value) -> deployed.put(name, STACK.string(value)));
        deployed.put(EnvVars.AWS_REGION, DeployedStack.REGION); // set by Lambda
        return deployed;
    }

    @Test
    void theHandlerIsAPublicRequestHandlerOfMapsWithANoArgConstructor() throws Exception {
        String[] handler = ((String) rerate().get("Handler")).split("::", 2);
        Class<?> type = Class.forName(handler[0]);

        assertThat(Modifier.isPublic(type.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
        assertThat(TemplateTest.requestHandlerTypeArguments(type)).extracting(Type::getTypeName)
                .containsExactly("java.util.Map<java.lang.String, java.lang.Object>",
                        "java.util.Map<java.lang.String, java.lang.Object>");
        assertThat(type.getMethod(handler[1], Map.class, Context.class).getReturnType()).isEqualTo(Map.class);
    }

    @Test
    void onlyAnOperatorInvokesItOneRunAtATimeForAtMostFifteenMinutes() {
        assertThat(rerate()).doesNotContainKey("Events");
        assertThat(rerate()).containsEntry("ReservedConcurrentExecutions", 1);
        assertThat((Integer) rerate().get("Timeout")).isBetween(60, 900);
        assertThat(STACK.string(rerate().get("FunctionName"))).isEqualTo("billing-snapshot-rerate");
    }

    @Test
    void itRunsWhereTheBillingFunctionRunsAndReachesTheSameDatabaseAndDeltaQueue() {
        for (String same : List.of("CodeUri", "Runtime", "Architectures", "VpcConfig")) {
            assertThat(rerate().get(same)).as(same).isEqualTo(function().get(same));
        }
        Map<String, String> billing = deployedEnvironment(function());
        Map<String, String> rerate = deployedEnvironment(rerate());
        for (String same : List.of(EnvVars.DB_URL, EnvVars.DB_USER, EnvVars.DB_AUTH, EnvVars.DB_SSL_MODE,
                EnvVars.QUOTA_DELTA_QUEUE_URL, EnvVars.METRICS_NAMESPACE, EnvVars.LOG_LEVEL)) {
            assertThat(rerate.get(same)).as(same).isNotNull().isEqualTo(billing.get(same));
        }
        assertThat(target(variables(rerate()).get(EnvVars.QUOTA_DELTA_QUEUE_URL))).isEqualTo(deltaQueue());
    }

    @Test
    void itsDeployedEnvironmentIsAValidConfigurationThatStopsBeforeTheTimeout() throws Exception {
        assertThat(TemplateTest.knownVariables()).containsAll(variables(rerate()).keySet());

        Config config = Config.fromEnvironment(deployedEnvironment(rerate()));

        assertThat(config.database().auth()).isEqualTo(AuthMode.IAM);
        Duration timeout = Duration.ofSeconds((Integer) rerate().get("Timeout"));
        Duration socketTimeout = Duration.ofSeconds(Long.parseLong(deployedEnvironment(rerate())
                .get(EnvVars.DB_SOCKET_TIMEOUT_SECONDS)));
        // A chunk started just before the reserve still ends before the timeout.
        assertThat(config.deadlineReserve()).isGreaterThan(socketTimeout).isLessThan(timeout);
        // The billing function's sweep leaves a live re-rate's deltas to it.
        assertThat(config.outboxLease()).isGreaterThan(timeout);
    }

    @Test
    void itsRoleGrantsLogsNetworkPublishingAndTheDatabaseButNoSourceQueue() {
        String role = target(rerate().get("Role"));
        assertThat(role).isNotEqualTo(BillingStack.functionRole());
        String logGroup = target(map(rerate().get("LoggingConfig")).get("LogGroup"));
        assertThat(logGroup).isNotEqualTo(target(map(function().get("LoggingConfig")).get("LogGroup")));

        Map<String, List<Object>> grants = TemplateIamTest.grants(role);
        Map<String, List<Object>> billing = TemplateIamTest.grants(BillingStack.functionRole());

        assertThat(TEMPLATE.properties(role)).doesNotContainKey("ManagedPolicyArns");
        assertThat(grants).containsEntry("logs:CreateLogStream", List.of(STACK.string(CfnTemplate.Fn.getAtt(logGroup, "Arn"))))
                .containsEntry("logs:PutLogEvents", List.of(STACK.string(CfnTemplate.Fn.getAtt(logGroup, "Arn"))))
                .doesNotContainKeys("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
        for (String same : List.of("sqs:SendMessage", "rds-db:connect", "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses")) {
            assertThat(grants.get(same)).as(same).isEqualTo(billing.get(same));
        }
        assertThat(grants).hasSize(10);
    }

    @Test
    void itsLogGroupOutlivesTheStack() {
        String logGroup = target(map(rerate().get("LoggingConfig")).get("LogGroup"));

        assertThat(TEMPLATE.resource(logGroup)).containsEntry("DeletionPolicy", "Retain")
                .containsEntry("UpdateReplacePolicy", "Retain");
    }

    @Test
    void anOutputNamesItForTheOperator() {
        Map<String, Object> output = map(TEMPLATE.section("Outputs").get("RerateFunctionName"));

        assertThat(target(output.get("Value"))).isEqualTo(RERATE_FUNCTION);
        assertThat(RERATE_FUNCTION).isNotEqualTo(FUNCTION);
    }
}
