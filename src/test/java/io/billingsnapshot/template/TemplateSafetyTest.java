package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static io.billingsnapshot.template.CfnTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What keeps the stack safe to operate: data that outlives the stack, a source queue only the
 * gateway can write to, and outputs and docs that say what the template does.
 */
class TemplateSafetyTest {

    private static final String GATEWAY = DeployedStack.REQUIRED_PARAMETERS.get("GatewaySenderRoleArn");
    private static final String REDRIVER = "arn:aws:iam::123456789012:role/dlq-redrive";

    @Test
    void everyQueueAndLogGroupSurvivesAStackDeletionAndAReplacement() {
        List<String> retained = new java.util.ArrayList<>(TEMPLATE.resourcesOfType("AWS::SQS::Queue"));
        retained.addAll(TEMPLATE.resourcesOfType("AWS::Logs::LogGroup"));

        assertThat(retained).hasSize(5).allSatisfy(id -> assertThat(TEMPLATE.resource(id)).as(id)
                .containsEntry("DeletionPolicy", "Retain")
                .containsEntry("UpdateReplacePolicy", "Retain"));
    }

    @Test
    void onlyTheGatewaysRoleMaySendToTheSourceQueue() {
        Map<String, Object> send = statement(DeployedStack.evaluator(TEMPLATE), "GatewaySends");
        Map<String, Object> nobodyElse = statement(DeployedStack.evaluator(TEMPLATE), "NobodyElseSends");

        assertThat(send).containsEntry("Effect", "Allow").containsEntry("Action", "sqs:SendMessage")
                .containsEntry("Principal", Map.of("AWS", GATEWAY));
        assertThat(nobodyElse).containsEntry("Effect", "Deny").containsEntry("Principal", "*")
                .containsEntry("Action", "sqs:SendMessage")
                .containsEntry("Condition", Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", List.of(GATEWAY))));
    }

    @Test
    void theRedriveRoleMaySendBackToTheSourceQueueWhenOneIsGiven() {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE, Map.of("DeadLetterRedriveRoleArn", REDRIVER));

        assertThat(statement(stack, "NobodyElseSends")).containsEntry("Condition",
                Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", List.of(GATEWAY, REDRIVER))));
    }

    @Test
    void theSourceQueueRefusesEveryRequestWithoutTls() {
        assertThat(statement(DeployedStack.evaluator(TEMPLATE), "TlsOnly"))
                .containsEntry("Effect", "Deny").containsEntry("Principal", "*").containsEntry("Action", "sqs:*")
                .containsEntry("Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")));
    }

    @Test
    void theProxyEndpointOutputSuggestsAVerifiedConnection() {
        String description = (String) map(TEMPLATE.section("Outputs").get("ProxyEndpoint")).get("Description");

        assertThat(description).contains("sslmode=verify-full").doesNotContain("sslmode=require");
    }

    @Test
    void docsDatabaseStatesTheTimeoutsTheTemplateSets() throws IOException {
        String docs = Files.readString(Path.of("docs/database.md"));
        Map<String, Object> env = BillingStack.environment();

        assertThat(docs).contains("`Timeout: " + function().get("Timeout") + "`")
                .contains("`DB_SOCKET_TIMEOUT_SECONDS: \"" + env.get("DB_SOCKET_TIMEOUT_SECONDS") + "\"`")
                .contains("`DEADLINE_RESERVE_MILLIS: \"" + env.get("DEADLINE_RESERVE_MILLIS") + "\"`");
    }

    private static Map<String, Object> statement(CfnEvaluator stack, String sid) {
        String policy = TEMPLATE.onlyResourceOfType("AWS::SQS::QueuePolicy");
        Map<String, Object> properties = map(stack.evaluate(TEMPLATE.properties(policy)));
        assertThat(properties.get("Queues")).isEqualTo(List.of(stack.string(CfnTemplate.Fn.ref(sourceQueue()))));
        Map<String, Object> document = map(properties.get("PolicyDocument"));
        Map<String, Object> found = CfnTemplate.list(document.get("Statement")).stream().map(CfnTemplate::map)
                .filter(s -> sid.equals(s.get("Sid"))).findFirst().orElseThrow(() -> new AssertionError(sid));
        assertThat(found.get("Resource")).isEqualTo(DeployedStack.queueArn(sourceQueue()));
        return found;
    }
}
