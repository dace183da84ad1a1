package io.billingsnapshot.template;

import static io.billingsnapshot.template.PolicyEvaluator.Decision.ALLOW;
import static io.billingsnapshot.template.PolicyEvaluator.Decision.EXPLICIT_DENY;
import static io.billingsnapshot.template.PolicyEvaluator.Decision.IMPLICIT_DENY;
import static io.billingsnapshot.template.PolicyEvaluator.decide;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.template.PolicyEvaluator.Policy;
import io.billingsnapshot.template.PolicyEvaluator.Request;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy evaluator the queue-policy tests rely on: it allows what IAM allows and denies what IAM denies. */
class PolicyEvaluatorTest {

    private static final String QUEUE = "arn:aws:sqs:eu-west-1:123456789012:deltas";
    private static final String OTHER_QUEUE = "arn:aws:sqs:eu-west-1:123456789012:other";
    private static final String WRITER = "arn:aws:iam::123456789012:role/writer";
    private static final String INTRUDER = "arn:aws:iam::123456789012:role/intruder";

    @SafeVarargs
    private static Map<String, Object> document(Map<String, ?>... statements) {
        return Map.of("Version", "2012-10-17", "Statement", List.of(statements));
    }

    private static Policy everythingOnEverything(String principal) {
        return Policy.identity(principal, document(Map.of("Effect", "Allow", "Action", "*", "Resource", "*")));
    }

    private static final Policy WRITER_MAY_SEND = Policy.resource(document(Map.of(
            "Effect", "Allow", "Principal", Map.of("AWS", WRITER), "Action", "sqs:SendMessage", "Resource", QUEUE)));

    private static final Policy ONLY_THE_WRITER_SENDS_AND_ONLY_OVER_TLS = Policy.resource(document(
            Map.of("Effect", "Deny", "Principal", "*", "Action", "sqs:SendMessage", "Resource", QUEUE,
                    "Condition", Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", List.of(WRITER)))),
            Map.of("Effect", "Deny", "Principal", "*", "Action", "sqs:*", "Resource", QUEUE,
                    "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))));

    @Test
    void anAllowGrantsOnlyItsPrincipalItsActionAndItsResource() {
        List<Policy> policies = List.of(WRITER_MAY_SEND);

        assertThat(decide(Request.tls(WRITER, "sqs:SendMessage", QUEUE), policies)).isEqualTo(ALLOW);
        assertThat(decide(Request.tls(INTRUDER, "sqs:SendMessage", QUEUE), policies)).isEqualTo(IMPLICIT_DENY);
        assertThat(decide(Request.tls(WRITER, "sqs:ReceiveMessage", QUEUE), policies)).isEqualTo(IMPLICIT_DENY);
        assertThat(decide(Request.tls(WRITER, "sqs:SendMessage", OTHER_QUEUE), policies)).isEqualTo(IMPLICIT_DENY);
    }

    @Test
    void anExplicitDenyBeatsAnyAllowEvenTheIntrudersOwnAdministratorGrant() {
        List<Policy> policies = List.of(everythingOnEverything(INTRUDER), ONLY_THE_WRITER_SENDS_AND_ONLY_OVER_TLS);

        assertThat(decide(Request.tls(INTRUDER, "sqs:SendMessage", QUEUE), policies)).isEqualTo(EXPLICIT_DENY);
        // The deny names SendMessage only: the intruder's own grant still covers the rest.
        assertThat(decide(Request.tls(INTRUDER, "sqs:ReceiveMessage", QUEUE), policies)).isEqualTo(ALLOW);
        assertThat(decide(Request.tls(INTRUDER, "sqs:SendMessage", OTHER_QUEUE), policies)).isEqualTo(ALLOW);
    }

    @Test
    void arnNotEqualsOnThePrincipalArnSparesExactlyTheListedPrincipals() {
        List<Policy> policies = List.of(WRITER_MAY_SEND, ONLY_THE_WRITER_SENDS_AND_ONLY_OVER_TLS);

        assertThat(decide(Request.tls(WRITER, "sqs:SendMessage", QUEUE), policies)).isEqualTo(ALLOW);
        assertThat(decide(Request.tls(WRITER + "2", "sqs:SendMessage", QUEUE), policies)).isEqualTo(EXPLICIT_DENY);
    }

    @Test
    void secureTransportFalseDeniesTheSameRequestWithoutTlsOnly() {
        List<Policy> policies = List.of(WRITER_MAY_SEND, ONLY_THE_WRITER_SENDS_AND_ONLY_OVER_TLS);
        Request send = Request.tls(WRITER, "sqs:SendMessage", QUEUE);

        assertThat(decide(send, policies)).isEqualTo(ALLOW);
        assertThat(decide(send.withoutTls(), policies)).isEqualTo(EXPLICIT_DENY);
    }

    @Test
    void actionsMatchWithWildcardsAndIgnoreCaseArnsMatchPartByPart() {
        Policy policy = Policy.identity(WRITER, document(Map.of("Effect", "Allow",
                "Action", List.of("sqs:Send*", "sqs:?eleteMessage"),
                "Resource", "arn:aws:sqs:*:123456789012:delta*")));

        assertThat(decide(Request.tls(WRITER, "SQS:sendmessage", QUEUE), List.of(policy))).isEqualTo(ALLOW);
        assertThat(decide(Request.tls(WRITER, "sqs:DeleteMessage", QUEUE), List.of(policy))).isEqualTo(ALLOW);
        assertThat(decide(Request.tls(WRITER, "sqs:DeleteMessageBatchX", QUEUE), List.of(policy)))
                .isEqualTo(IMPLICIT_DENY);
        assertThat(decide(Request.tls(WRITER, "sqs:SendMessage", OTHER_QUEUE), List.of(policy)))
                .isEqualTo(IMPLICIT_DENY);
        // The region wildcard stays inside its part: it cannot swallow the account.
        Policy spanning = Policy.identity(WRITER, document(Map.of("Effect", "Allow", "Action", "sqs:SendMessage",
                "Resource", "arn:aws:sqs:*:deltas")));
        assertThat(decide(Request.tls(WRITER, "sqs:SendMessage", QUEUE), List.of(spanning))).isEqualTo(IMPLICIT_DENY);
    }

    @Test
    void anIdentityPolicyAppliesToItsOwnPrincipalOnly() {
        List<Policy> policies = List.of(everythingOnEverything(WRITER));

        assertThat(decide(Request.tls(WRITER, "sqs:PurgeQueue", QUEUE), policies)).isEqualTo(ALLOW);
        assertThat(decide(Request.tls(INTRUDER, "sqs:PurgeQueue", QUEUE), policies)).isEqualTo(IMPLICIT_DENY);
    }

    @Test
    void whatItDoesNotUnderstandFailsInsteadOfGuessing() {
        Request send = Request.tls(WRITER, "sqs:SendMessage", QUEUE);

        assertThatThrownBy(() -> decide(send, List.of(Policy.resource(document(Map.of("Effect", "Deny",
                "NotPrincipal", Map.of("AWS", WRITER), "Action", "sqs:SendMessage", "Resource", QUEUE))))))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("NotPrincipal");
        assertThatThrownBy(() -> decide(send, List.of(Policy.resource(document(Map.of("Effect", "Deny",
                "Principal", "*", "Action", "sqs:SendMessage", "Resource", QUEUE,
                "Condition", Map.of("IpAddress", Map.of("aws:SourceIp", "10.0.0.0/8"))))))))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("aws:SourceIp");
        assertThatThrownBy(() -> decide(send, List.of(Policy.resource(document(Map.of("Effect", "Allow",
                "Principal", Map.of("AWS", "arn:aws:iam::123456789012:root"), "Action", "sqs:SendMessage",
                "Resource", QUEUE))))))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining(":root");
        assertThatThrownBy(() -> decide(send, List.of(Policy.resource(document(Map.of("Effect", "Allow",
                "Action", "sqs:SendMessage", "Resource", QUEUE))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a Principal");
    }
}
