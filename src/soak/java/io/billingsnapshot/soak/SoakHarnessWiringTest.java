package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The harness end to end, the way the soak will use it, with a toy handler in place of the real one. */
@Tag("soak")
class SoakHarnessWiringTest {

    private static final MappingSettings FAST = MappingSettings.defaults().withPollers(3).withBatchSize(5)
            .withVisibilityTimeoutSeconds(5).withTimeBudget(Duration.ofSeconds(20));

    @RegisterExtension
    static final TestSqs SERVER = TestSqs.perClass();

    private final SqsClient sqs = SERVER.sqs();


    private record Run(MappingReport mapping, DeltaCollector deltas, ConservationResult conservation) {
    }

    private Run soak(boolean forgetfulHandler) {
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        GatewayRows rows = new GatewayRows(db);
        String deltaQueueUrl = sqs.createQueue(r -> r.queueName("deltas-" + UUID.randomUUID())).queueUrl();
        SourceQueue source = SourceQueue.create(sqs, "requests-" + UUID.randomUUID(), 3);
        List<UUID> keys = List.of(rows.apiKey(), rows.apiKey());
        UUID upstream = rows.upstream();
        Random random = new Random(42);
        for (int i = 0; i < 40; i++) {
            UUID log = rows.requestLog(keys.get(i % 2), upstream);
            String body = String.format(Locale.ROOT,
                    "{\"requestLogId\":\"%s\",\"cost\":%s}", log, i == 7 ? "0.13" : "0.0" + (i + 1));
            source.send(body);
            if (random.nextInt(4) == 0) {
                source.send(body); // the gateway sent it twice
            }
        }
        source.send("{\"cost\":1}");

        MappingReport mapping = new EventSourceMappingDriver(sqs, source, FAST)
                .run(() -> new ToyBillingHandler(db, sqs, deltaQueueUrl, forgetfulHandler));
        DeltaCollector deltas = new DeltaCollector(sqs, deltaQueueUrl);
        deltas.drain();
        ConservationResult conservation = ConservationCheck.check(db, deltas, source.sent(), mapping.deadLetters());
        System.out.println(mapping.summary() + conservation.report());
        return new Run(mapping, deltas, conservation);
    }

    @Test
    void aHandlerThatLosesNothingPassesTheConservationCheckDespiteDuplicates() {
        Run run = soak(false);

        assertThat(run.mapping().stoppedBy()).isEqualTo(StopReason.DRAINED);
        assertThat(run.mapping().deadLetters()).singleElement()
                .satisfies(dead -> assertThat(dead.body()).isEqualTo("{\"cost\":1}"));
        assertThat(run.conservation().passed()).as(run.conservation().report()).isTrue();
        assertThat(run.conservation().apiKeysChecked()).isEqualTo(2);
        assertThat(run.deltas().duplicatePublications()).as("redelivered messages republished their delta").isPositive();
    }

    @Test
    void aHandlerThatForgetsOneDeltaFailsTheConservationCheck() {
        Run run = soak(true);

        assertThat(run.conservation().passed()).isFalse();
        assertThat(run.conservation().violations()).hasSize(2)
                .allSatisfy(v -> assertThat(v).contains("off by -0.13"));
    }
}
