package io.billingsnapshot.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The stalling endpoint in front of a real SQS server: forwards, stalls, refuses, forwards again. */
class StallingEndpointTest {

    @RegisterExtension
    static final TestSqs SQS = TestSqs.perClass();

    @Test
    void aStalledEndpointAcceptsTheCallButNeverAnswersUntilItForwardsAgain() {
        try (StallingEndpoint endpoint = StallingEndpoint.forwardingTo(SQS.endpoint().getPort());
                SqsClient client = TestSqs.client(URI.create("http://localhost:" + endpoint.port()))) {
            String queue = SQS.createQueue("q-" + UUID.randomUUID());
            client.sendMessage(r -> r.queueUrl(queue).messageBody("before"));

            endpoint.stall();
            // The only bound here is the caller's own timeout: a stalled endpoint never answers.
            assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(queue).messageBody("stalled")
                    .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMillis(300)))))
                    .isInstanceOf(SdkClientException.class);
            endpoint.forward();
            client.sendMessage(r -> r.queueUrl(queue).messageBody("after"));

            assertThat(SQS.drain(queue)).contains("before", "after");
        }
    }

    @Test
    void aRefusingEndpointFailsCallsAtOnceAndRecoversWhenItForwards() {
        try (StallingEndpoint endpoint = StallingEndpoint.forwardingTo(SQS.endpoint().getPort());
                SqsClient client = TestSqs.client(URI.create("http://localhost:" + endpoint.port()))) {
            String queue = SQS.createQueue("q-" + UUID.randomUUID());

            endpoint.refuse();
            assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(queue).messageBody("refused")))
                    .isInstanceOf(SdkClientException.class);
            endpoint.forward();
            client.sendMessage(r -> r.queueUrl(queue).messageBody("after"));

            assertThat(SQS.drain(queue)).containsExactly("after");
        }
    }
}
