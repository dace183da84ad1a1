package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.RERATE_FUNCTION;
import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deadLetterQueue;
import static io.billingsnapshot.template.BillingStack.deltaQueue;
import static io.billingsnapshot.template.BillingStack.functionRole;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static io.billingsnapshot.template.CfnTemplate.list;
import static io.billingsnapshot.template.CfnTemplate.map;
import static io.billingsnapshot.template.PolicyEvaluator.Decision.ALLOW;
import static io.billingsnapshot.template.PolicyEvaluator.Decision.EXPLICIT_DENY;
import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.template.CfnTemplate.Fn;
import io.billingsnapshot.template.PolicyEvaluator.Decision;
import io.billingsnapshot.template.PolicyEvaluator.Policy;
import io.billingsnapshot.template.PolicyEvaluator.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every queue is closed to all but its writers and its reader, and to every request without TLS:
 * each queue policy of template.yaml, evaluated for the principals that matter, request by request,
 * together with each principal's own IAM policy (the functions' roles as the template grants them,
 * the gateway's, trackers' and redrive role as docs/operations.md tells operators to grant them, and
 * an intruder allowed sqs:* on everything, as an administrator of the account is).
 */
class TemplateQueuePoliciesTest {

    private static final String GATEWAY = DeployedStack.REQUIRED_PARAMETERS.get("GatewaySenderRoleArn");
    private static final String REDRIVER = "arn:aws:iam::123456789012:role/dlq-redrive";
    private static final String TRACKER = "arn:aws:iam::123456789012:role/quota-tracker";
    private static final String INTRUDER = "arn:aws:iam::123456789012:role/intruder";

    private static final String SEND = "sqs:SendMessage";
    private static final String RECEIVE = "sqs:ReceiveMessage";
    private static final String DELETE = "sqs:DeleteMessage";
    private static final String CHANGE_VISIBILITY = "sqs:ChangeMessageVisibility";
    private static final String PURGE = "sqs:PurgeQueue";
    private static final String MOVE = "sqs:StartMessageMoveTask";
    private static final List<String> CONSUME = List.of(RECEIVE, DELETE, CHANGE_VISIBILITY, PURGE);

    private static final Map<String, String> WITH_REDRIVER_AND_TRACKER =
            Map.of("DeadLetterRedriveRoleArn", REDRIVER, "QuotaTrackerRoleArn", TRACKER);

    /** template.yaml deployed with {@code parameters}, as IAM sees each queue and principal. */
    private static final class Deployed {

        private final CfnEvaluator stack;
        private final String redriver;
        private final Map<String, List<Policy>> identities = new HashMap<>();

        Deployed(Map<String, String> parameters) {
            stack = DeployedStack.evaluator(TEMPLATE, parameters);
            redriver = parameters.getOrDefault("DeadLetterRedriveRoleArn", GATEWAY);
            identities.put(function(), rolePolicies(functionRole()));
            identities.put(rerate(), rolePolicies(rerateRole()));
            identities.put(INTRUDER, List.of(allow(INTRUDER, List.of("*"), "*")));
            // What docs/operations.md tells operators to grant (the redrive needs the same on the
            // dead-letter queue as SQS documents for start-message-move-task).
            identities.computeIfAbsent(GATEWAY, p -> new ArrayList<>())
                    .add(allow(GATEWAY, List.of(SEND), arn(sourceQueue())));
            identities.computeIfAbsent(redriver, p -> new ArrayList<>()).addAll(List.of(
                    allow(redriver, List.of(SEND), arn(sourceQueue())),
                    allow(redriver, List.of(MOVE, RECEIVE, DELETE, "sqs:GetQueueAttributes"), arn(deadLetterQueue()))));
            identities.put(TRACKER,
                    List.of(allow(TRACKER, List.of(RECEIVE, DELETE, CHANGE_VISIBILITY), arn(deltaQueue()))));
        }

        String function() {
            return stack.string(Fn.getAtt(functionRole(), "Arn"));
        }

        String rerate() {
            return stack.string(Fn.getAtt(rerateRole(), "Arn"));
        }

        String arn(String queue) {
            return stack.string(Fn.getAtt(queue, "Arn"));
        }

        Decision decide(Request request, String queue) {
            List<Policy> policies = new ArrayList<>(identities.getOrDefault(request.principalArn(), List.of()));
            policies.add(Policy.resource(queuePolicy(queue)));
            return PolicyEvaluator.decide(request, policies);
        }

        Decision decide(String principal, String action, String queue) {
            return decide(Request.tls(principal, action, arn(queue)), queue);
        }

        /** Like {@link #decide(String, String, String)}, for a principal with no IAM policy of its own. */
        Decision decideWithoutIdentityPolicy(String principal, String action, String queue) {
            return PolicyEvaluator.decide(Request.tls(principal, action, arn(queue)),
                    List.of(Policy.resource(queuePolicy(queue))));
        }

        /** The one queue policy whose Queues name {@code queue}, evaluated. */
        Map<String, Object> queuePolicy(String queue) {
            String url = stack.string(Fn.ref(queue));
            List<Map<String, Object>> policies = TEMPLATE.resourcesOfType("AWS::SQS::QueuePolicy").stream()
                    .map(id -> map(stack.evaluate(TEMPLATE.properties(id))))
                    .filter(properties -> list(properties.get("Queues")).contains(url))
                    .toList();
            // A second policy on the same queue would silently replace the first one.
            assertThat(policies).as("queue policies of %s", queue).hasSize(1);
            return map(policies.get(0).get("PolicyDocument"));
        }

        private List<Policy> rolePolicies(String role) {
            String roleArn = stack.string(Fn.getAtt(role, "Arn"));
            return list(TEMPLATE.properties(role).get("Policies")).stream()
                    .map(policy -> Policy.identity(roleArn, map(stack.evaluate(map(policy).get("PolicyDocument")))))
                    .toList();
        }
    }

    private static String rerateRole() {
        return DeployedStack.target(TEMPLATE.properties(RERATE_FUNCTION).get("Role"));
    }

    private static Policy allow(String principal, List<String> actions, String resource) {
        return Policy.identity(principal, Map.of("Statement", List.of(
                Map.of("Effect", "Allow", "Action", actions, "Resource", resource))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void onlyTheGatewayAndTheRedriveRoleSendToTheSourceQueueAndOnlyTheFunctionReadsIt(boolean redriveRole) {
        Deployed stack = new Deployed(redriveRole ? WITH_REDRIVER_AND_TRACKER : Map.of());
        String source = sourceQueue();

        assertThat(stack.decide(GATEWAY, SEND, source)).isEqualTo(ALLOW);
        assertThat(stack.decide(stack.redriver, SEND, source)).isEqualTo(ALLOW);
        for (String notAWriter : List.of(INTRUDER, stack.function(), stack.rerate(), TRACKER)) {
            assertThat(stack.decide(notAWriter, SEND, source)).as(notAWriter).isEqualTo(EXPLICIT_DENY);
        }
        assertThat(stack.decide(stack.function(), RECEIVE, source)).isEqualTo(ALLOW);
        assertThat(stack.decide(stack.function(), DELETE, source)).isEqualTo(ALLOW);
        for (String action : CONSUME) {
            for (String notTheReader : List.of(INTRUDER, GATEWAY, stack.rerate())) {
                assertThat(stack.decide(notTheReader, action, source)).as("%s %s", notTheReader, action)
                        .isEqualTo(EXPLICIT_DENY);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nobodySendsToTheDeadLetterQueueAndOnlyTheRedriveRoleReadsAndMovesIt(boolean redriveRole) {
        Deployed stack = new Deployed(redriveRole ? WITH_REDRIVER_AND_TRACKER : Map.of());
        String dlq = deadLetterQueue();

        for (String anyone : List.of(INTRUDER, GATEWAY, REDRIVER, stack.function(), stack.rerate())) {
            assertThat(stack.decide(anyone, SEND, dlq)).as(anyone).isEqualTo(EXPLICIT_DENY);
        }
        // SQS's own move of a message past maxReceiveCount is not a principal's SendMessage; should
        // the service's move ever be evaluated against the queue policy, the deny must not stop it.
        assertThat(PolicyEvaluator.decide(Request.byAwsService(SEND, stack.arn(dlq)),
                List.of(Policy.resource(stack.queuePolicy(dlq))))).isNotEqualTo(EXPLICIT_DENY);
        for (String action : List.of(MOVE, RECEIVE, DELETE)) {
            assertThat(stack.decide(stack.redriver, action, dlq)).as(action).isEqualTo(ALLOW);
        }
        List<String> others = new ArrayList<>(List.of(INTRUDER, stack.function(), stack.rerate()));
        if (redriveRole) {
            others.add(GATEWAY); // the redrive role replaces the gateway's
        }
        for (String action : List.of(MOVE, "sqs:CancelMessageMoveTask", RECEIVE, DELETE, CHANGE_VISIBILITY, PURGE)) {
            for (String other : others) {
                assertThat(stack.decide(other, action, dlq)).as("%s %s", other, action).isEqualTo(EXPLICIT_DENY);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "fifo"})
    void onlyTheBillingAndTheRerateFunctionsSendQuotaDeltas(String deltaQueueType) {
        Deployed stack = new Deployed(Map.of("DeltaQueueType", deltaQueueType));
        String deltas = deltaQueue();

        assertThat(stack.decide(stack.function(), SEND, deltas)).isEqualTo(ALLOW);
        assertThat(stack.decide(stack.rerate(), SEND, deltas)).isEqualTo(ALLOW);
        // The forged delta of issue 17: anyone else in the account, an administrator included.
        for (String forger : List.of(INTRUDER, GATEWAY, TRACKER, REDRIVER)) {
            assertThat(stack.decide(forger, SEND, deltas)).as(forger).isEqualTo(EXPLICIT_DENY);
        }
    }

    @Test
    void withATrackerRoleOnlyTheTrackersReadQuotaDeltasEvenWithoutAnIamPolicyOfTheirOwn() {
        Deployed stack = new Deployed(WITH_REDRIVER_AND_TRACKER);
        String deltas = deltaQueue();

        for (String action : List.of(RECEIVE, DELETE, CHANGE_VISIBILITY, "sqs:GetQueueAttributes")) {
            // A tracker in another account has only the queue policy's grant.
            assertThat(stack.decideWithoutIdentityPolicy(TRACKER, action, deltas)).as(action).isEqualTo(ALLOW);
        }
        for (String action : CONSUME) {
            for (String other : List.of(INTRUDER, stack.function(), stack.rerate(), GATEWAY)) {
                assertThat(stack.decide(other, action, deltas)).as("%s %s", other, action).isEqualTo(EXPLICIT_DENY);
            }
        }
    }

    @Test
    void withoutATrackerRoleTheDeltaQueuesReadersAreLeftToIam() {
        Deployed stack = new Deployed(Map.of());

        // The documented gap QuotaTrackerRoleArn closes: a broad receive grant reads (and deletes) deltas.
        assertThat(stack.decide(INTRUDER, DELETE, deltaQueue())).isEqualTo(ALLOW);
        assertThat(stack.decide(TRACKER, RECEIVE, deltaQueue())).isEqualTo(ALLOW);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyQueueOfTheStackRefusesEveryRequestWithoutTlsEvenFromItsOwnWriterAndReader(boolean roles) {
        Deployed stack = new Deployed(roles ? WITH_REDRIVER_AND_TRACKER : Map.of());
        List<String> principals = List.of(GATEWAY, REDRIVER, TRACKER, INTRUDER, stack.function(), stack.rerate());
        List<String> actions = List.of(SEND, RECEIVE, DELETE, CHANGE_VISIBILITY, PURGE, MOVE, "sqs:GetQueueAttributes");

        List<String> queues = TEMPLATE.resourcesOfType("AWS::SQS::Queue");
        assertThat(queues).containsExactlyInAnyOrder(sourceQueue(), deadLetterQueue(), deltaQueue());
        int allowedOverTls = 0;
        for (String queue : queues) {
            for (String principal : principals) {
                for (String action : actions) {
                    Request request = Request.tls(principal, action, stack.arn(queue));
                    if (stack.decide(request, queue) == ALLOW) {
                        allowedOverTls++;
                    }
                    assertThat(stack.decide(request.withoutTls(), queue)).as("%s %s on %s without TLS", principal,
                            action, queue).isEqualTo(EXPLICIT_DENY);
                }
            }
        }
        assertThat(allowedOverTls).as("requests the same principals may make over TLS").isGreaterThan(10);
    }
}
