package io.billingsnapshot.template;

import static io.billingsnapshot.template.BillingStack.TEMPLATE;
import static io.billingsnapshot.template.BillingStack.deadLetterQueue;
import static io.billingsnapshot.template.BillingStack.deltaQueue;
import static io.billingsnapshot.template.BillingStack.function;
import static io.billingsnapshot.template.BillingStack.redrivePolicy;
import static io.billingsnapshot.template.BillingStack.sourceQueue;
import static io.billingsnapshot.template.BillingStack.sqsEvent;
import static io.billingsnapshot.template.CfnTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The queues and events: partial failures, redrive, visibility, deduplication, the sweep. */
class TemplateQueuesTest {

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
    void aRecordStartedBeforeTheCutOffEndsBeforeTheFunctionTimesOut() {
        int timeoutSeconds = (Integer) function().get("Timeout");
        Map<String, Object> env = BillingStack.environment();
        int reserveMillis = Integer.parseInt((String) env.get("DEADLINE_RESERVE_MILLIS"));
        int socketTimeoutSeconds = Integer.parseInt((String) env.get("DB_SOCKET_TIMEOUT_SECONDS"));

        assertThat(reserveMillis).as("the reserve covers the longest wait for one statement")
                .isGreaterThan(socketTimeoutSeconds * 1000);
        assertThat(reserveMillis).as("and still leaves time to process").isLessThan(timeoutSeconds * 1000);
    }

    @Test
    void aDeltaIsLeasedToItsInvocationLongerThanTheInvocationCanRun() {
        int timeoutSeconds = (Integer) function().get("Timeout");
        int leaseSeconds = Integer.parseInt((String) BillingStack.environment().get("OUTBOX_LEASE_SECONDS"));

        assertThat(leaseSeconds).isGreaterThan(timeoutSeconds);
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
    void theOutputsGiveTheQueueUrls() {
        CfnEvaluator stack = DeployedStack.evaluator(TEMPLATE);
        List<String> outputs = TEMPLATE.section("Outputs").values().stream()
                .map(output -> stack.string(map(output).get("Value"))).toList();

        assertThat(outputs).contains(DeployedStack.queueUrl(sourceQueue()), DeployedStack.queueUrl(deltaQueue()),
                DeployedStack.queueUrl(deadLetterQueue()));
    }
}
