package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.CfnTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What keeps the stack safe to operate: data that outlives the stack, and outputs and docs that say
 * what the template does. Who may use each queue: {@link TemplateQueuePoliciesTest}.
 */
class TemplateSafetyTest {

    @Test
    void everyQueueAndLogGroupSurvivesAStackDeletionAndAReplacement() {
        List<String> retained = new java.util.ArrayList<>(TEMPLATE.resourcesOfType("AWS::SQS::Queue"));
        retained.addAll(TEMPLATE.resourcesOfType("AWS::Logs::LogGroup"));

        assertThat(retained).hasSize(5).allSatisfy(id -> assertThat(TEMPLATE.resource(id)).as(id)
                .containsEntry("DeletionPolicy", "Retain")
                .containsEntry("UpdateReplacePolicy", "Retain"));
    }

    /**
     * A direct invoke could hand the billing function a made-up SQS event, and the re-rate function
     * a range: nothing in the stack grants lambda:InvokeFunction beyond the billing function's SQS
     * event source (which needs no grant) and its sweep schedule (SAM grants events.amazonaws.com,
     * for that rule only). Same-account IAM grants are the operator's to restrict (README "Security").
     */
    @Test
    void nothingButTheEventSourceAndTheSweepScheduleInvokesTheBillingFunctionAndNothingTheRerateFunction() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> events = (Map<String, Map<String, Object>>) function().get("Events");

        assertThat(events.values()).extracting(event -> event.get("Type")).containsExactlyInAnyOrder("SQS", "Schedule");
        assertThat(TEMPLATE.properties(BillingStack.RERATE_FUNCTION)).doesNotContainKeys("Events", "FunctionUrlConfig");
        assertThat(function()).doesNotContainKey("FunctionUrlConfig");
        assertThat(TEMPLATE.section("Globals")).doesNotContainKey("Function");
        for (String grant : List.of("AWS::Lambda::Permission", "AWS::Lambda::Url", "AWS::Lambda::EventSourceMapping",
                "AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::Serverless::Api", "AWS::Serverless::HttpApi")) {
            assertThat(TEMPLATE.resourcesOfType(grant)).as(grant).isEmpty();
        }
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
}
