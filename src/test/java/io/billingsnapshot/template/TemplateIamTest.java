package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.CfnTemplate.list;
import static io.billingsnapshot.template.CfnTemplate.map;
import static io.billingsnapshot.template.BillingStack.deltaQueue;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.BillingStack.functionRole;
import static io.billingsnapshot.template.BillingStack.proxy;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static io.billingsnapshot.template.DeployedStack.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Least privilege: the function's and the proxy's roles grant exactly what they use. */
class TemplateIamTest {

    private static final CfnEvaluator STACK = DeployedStack.evaluator(TEMPLATE);
    private static final String LOG_GROUP_ARN_SUFFIX = ":*";

    /** Allow statements of a role's inline policies, evaluated, as action -> resources. */
    static Map<String, List<Object>> grants(String role) {
        Map<String, List<Object>> grants = new HashMap<>();
        for (Object policy : list(TEMPLATE.properties(role).getOrDefault("Policies", List.of()))) {
            Map<String, Object> document = map(STACK.evaluate(map(policy).get("PolicyDocument")));
            for (Object statement : list(document.get("Statement"))) {
                Map<String, Object> allow = map(statement);
                assertThat(allow.get("Effect")).isEqualTo("Allow");
                assertThat(allow).doesNotContainKeys("NotAction", "NotResource");
                for (Object action : asList(allow.get("Action"))) {
                    grants.computeIfAbsent((String) action, a -> new ArrayList<>()).addAll(asList(allow.get("Resource")));
                }
            }
        }
        return grants;
    }

    private static List<?> asList(Object value) {
        return value instanceof List<?> list ? list : List.of(value);
    }

    @Test
    void theFunctionUsesItsOwnRoleWithoutManagedPolicies() {
        // A SAM-generated role would get AWSLambdaSQSQueueExecutionRole (receive and delete on
        // every queue) and AWSLambdaVPCAccessExecutionRole attached by the SQS event and VpcConfig.
        assertThat(function()).doesNotContainKeys("Policies", "PermissionsBoundary");
        assertThat(TEMPLATE.type(functionRole())).isEqualTo("AWS::IAM::Role");
        assertThat(TEMPLATE.properties(functionRole())).doesNotContainKey("ManagedPolicyArns");
    }

    @Test
    void theFunctionRoleGrantsExactlyTheMinimalActionsEachOnItsOwnResource() {
        String logGroup = target(map(function().get("LoggingConfig")).get("LogGroup"));
        String logGroupArn = STACK.string(CfnTemplate.Fn.getAtt(logGroup, "Arn"));
        String source = STACK.string(CfnTemplate.Fn.getAtt(sourceQueue(), "Arn"));
        String deltas = STACK.string(CfnTemplate.Fn.getAtt(deltaQueue(), "Arn"));
        String dbUser = "arn:aws:rds-db:" + DeployedStack.REGION + ":" + DeployedStack.ACCOUNT + ":dbuser:"
                + DeployedStack.PROXY_RESOURCE_ID + "/billing_snapshot";

        Map<String, List<Object>> grants = grants(functionRole());

        assertThat(logGroupArn).endsWith(LOG_GROUP_ARN_SUFFIX);
        assertThat(grants).containsOnly(
                Map.entry("logs:CreateLogStream", List.of(logGroupArn)),
                Map.entry("logs:PutLogEvents", List.of(logGroupArn)),
                // Lambda manages the VPC network interfaces; these actions take no narrower resource.
                Map.entry("ec2:CreateNetworkInterface", List.of("*")),
                Map.entry("ec2:DescribeNetworkInterfaces", List.of("*")),
                Map.entry("ec2:DescribeSubnets", List.of("*")),
                Map.entry("ec2:DeleteNetworkInterface", List.of("*")),
                Map.entry("ec2:AssignPrivateIpAddresses", List.of("*")),
                Map.entry("ec2:UnassignPrivateIpAddresses", List.of("*")),
                Map.entry("sqs:ReceiveMessage", List.of(source)),
                Map.entry("sqs:DeleteMessage", List.of(source)),
                Map.entry("sqs:GetQueueAttributes", List.of(source)),
                Map.entry("sqs:SendMessage", List.of(deltas)),
                Map.entry("rds-db:connect", List.of(dbUser)));
    }

    @Test
    void theDbUserGrantFollowsTheDbUserParameter() {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE, Map.of("DbUser", "biller"));
        Map<String, Object> document = map(stack.evaluate(
                map(list(TEMPLATE.properties(functionRole()).get("Policies")).get(0)).get("PolicyDocument")));

        assertThat(list(document.get("Statement"))).filteredOn(s -> "rds-db:connect".equals(map(s).get("Action")))
                .extracting(s -> map(s).get("Resource"))
                .containsExactly("arn:aws:rds-db:eu-west-1:123456789012:dbuser:prx-0123456789abcdef0/biller");
    }

    @Test
    void theProxyRoleReadsOnlyTheDatabaseSecretAndDecryptsOnlyWithItsKey() {
        String role = target(TEMPLATE.properties(proxy()).get("RoleArn"));
        String secret = DeployedStack.REQUIRED_PARAMETERS.get("ProxySecretArn");

        assertThat(grants(role)).containsOnly(Map.entry("secretsmanager:GetSecretValue", List.of(secret)));

        String key = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000000";
        CfnEvaluator withKey = DeployedStack.evaluator(TEMPLATE, Map.of("ProxySecretKmsKeyArn", key));
        Map<String, Object> document = map(withKey.evaluate(
                map(list(TEMPLATE.properties(role).get("Policies")).get(0)).get("PolicyDocument")));
        assertThat(list(document.get("Statement"))).extracting(s -> map(s).get("Action"), s -> map(s).get("Resource"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("secretsmanager:GetSecretValue", secret),
                        org.assertj.core.groups.Tuple.tuple("kms:Decrypt", key));
    }
}
