package io.billingsnapshot.template;

import static io.billingsnapshot.template.DeployedStack.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.config.EnvVars;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The resources of template.yaml the tests talk about, found by their roles, not their names. */
final class BillingStack {

    static final CfnTemplate TEMPLATE = CfnTemplate.load(Path.of("template.yaml"));
    static final String FUNCTION = functionWithHandler(BillingSnapshotHandler.class.getName());
    static final String RERATE_FUNCTION = functionWithHandler(RerateHandler.class.getName());

    private BillingStack() {
    }

    /** The one function whose handler is {@code handlerClass::handleRequest}. */
    private static String functionWithHandler(String handlerClass) {
        List<String> functions = TEMPLATE.resourcesOfType("AWS::Serverless::Function").stream()
                .filter(id -> (handlerClass + "::handleRequest").equals(TEMPLATE.properties(id).get("Handler")))
                .toList();
        if (functions.size() != 1) {
            throw new AssertionError("expected one function with handler " + handlerClass + ", found " + functions);
        }
        return functions.get(0);
    }

    static Map<String, Object> function() {
        return TEMPLATE.properties(FUNCTION);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> environment() {
        return (Map<String, Object>) ((Map<String, Object>) function().get("Environment")).get("Variables");
    }

    /** The Properties of the function's one event of {@code type} (SQS, Schedule). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> event(String type) {
        Map<String, Object> events = (Map<String, Object>) function().get("Events");
        List<Map<String, Object>> matching = events.values().stream()
                .map(event -> (Map<String, Object>) event)
                .filter(event -> type.equals(event.get("Type")))
                .toList();
        assertThat(matching).as("%s events of %s", type, FUNCTION).hasSize(1);
        return (Map<String, Object>) matching.get(0).get("Properties");
    }

    static Map<String, Object> sqsEvent() {
        return event("SQS");
    }

    static String sourceQueue() {
        return target(sqsEvent().get("Queue"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> redrivePolicy() {
        Map<String, Object> redrive = (Map<String, Object>) TEMPLATE.properties(sourceQueue()).get("RedrivePolicy");
        assertThat(redrive).as("RedrivePolicy of the source queue %s", sourceQueue()).isNotNull();
        return redrive;
    }

    static String deadLetterQueue() {
        return target(redrivePolicy().get("deadLetterTargetArn"));
    }

    static String deltaQueue() {
        return target(environment().get(EnvVars.QUOTA_DELTA_QUEUE_URL));
    }

    static String proxy() {
        return TEMPLATE.onlyResourceOfType("AWS::RDS::DBProxy");
    }

    static String functionRole() {
        return target(function().get("Role"));
    }
}
