package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.billing.QuotaDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The soak's fault injectors and audits on their own, without servers. */
@Tag("soak")
class ChaosPartsTest {

    private static QuotaDelta delta() {
        return new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.EPOCH, "USD", List.of());
    }

    @Test
    void theCrashingPublisherCutsOffOneCallPerArmingAlternatelyBeforeAndAfterTheRealPublish() {
        List<QuotaDelta> reachedSqs = new ArrayList<>();
        CrashingPublisher publisher = new CrashingPublisher(deltas -> {
            reachedSqs.addAll(deltas);
            return new HashSet<>(deltas.stream().map(QuotaDelta::deltaId).toList());
        });

        publisher.publish(List.of(delta()));
        publisher.arm();
        publisher.arm();
        QuotaDelta cutBefore = delta();
        assertThatThrownBy(() -> publisher.publish(List.of(cutBefore))).isInstanceOf(SimulatedLambdaTimeout.class);
        QuotaDelta cutAfter = delta();
        assertThatThrownBy(() -> publisher.publish(List.of(cutAfter))).isInstanceOf(SimulatedLambdaTimeout.class);
        publisher.publish(List.of(delta()));

        assertThat(reachedSqs).hasSize(3).doesNotContain(cutBefore).contains(cutAfter);
        assertThat(publisher.crashedBeforePublishing()).isEqualTo(1);
        assertThat(publisher.crashedAfterPublishing()).isEqualTo(1);
    }

    @Test
    void aCutOffAfterPublishingThatMeetsAFailingPublishStaysArmedForTheNextCall() {
        AtomicInteger calls = new AtomicInteger();
        CrashingPublisher publisher = new CrashingPublisher(deltas -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("SQS down");
            }
            return calls.get() == 2 ? Set.of() : new HashSet<>(deltas.stream().map(QuotaDelta::deltaId).toList());
        });
        publisher.arm();
        assertThatThrownBy(() -> publisher.publish(List.of(delta()))).isInstanceOf(SimulatedLambdaTimeout.class);
        publisher.arm();

        assertThatThrownBy(() -> publisher.publish(List.of(delta()))).isInstanceOf(IllegalStateException.class);
        assertThat(publisher.publish(List.of(delta()))).as("SQS accepted nothing: no cut-off yet").isEmpty();
        assertThatThrownBy(() -> publisher.publish(List.of(delta()))).isInstanceOf(SimulatedLambdaTimeout.class);
        publisher.publish(List.of(delta()));

        assertThat(publisher.crashedAfterPublishing()).isEqualTo(1);
    }

    @Test
    void aDisarmedCrashingPublisherNeverCrashes() {
        CrashingPublisher publisher = new CrashingPublisher(deltas -> Set.of());
        publisher.arm();
        publisher.disarm();

        for (int i = 0; i < 5; i++) {
            publisher.publish(List.of(delta()));
        }

        assertThat(publisher.crashedBeforePublishing() + publisher.crashedAfterPublishing()).isZero();
    }

    @Test
    void theDeadLetterAuditTellsMalformedFromValidMessagesBehindAPoisonMessageAndOtherValidOnes() {
        UUID blocked = UUID.randomUUID();
        UUID unlucky = UUID.randomUUID();
        String poison = "not json";
        List<SentMessage> sent = List.of(SentMessage.of("m1", poison),
                SentMessage.of("m2", "{\"requestLogId\":\"" + blocked + "\"}"),
                SentMessage.of("m3", "{\"requestLogId\":\"" + unlucky + "\"}"));
        List<DeadLetter> dead = List.of(new DeadLetter("m1", poison, 6, "invalid_message: x"),
                new DeadLetter("m2", "{\"requestLogId\":\"" + blocked + "\"}", 6, "earlier_message_in_group_failed"),
                new DeadLetter("m3", "{\"requestLogId\":\"" + unlucky + "\"}", 6, "database_connection_lost"));

        DeadLetterAudit audit = DeadLetterAudit.of(dead, sent, Map.of("m1", "g1", "m2", "g1", "m3", "g2"),
                Set.of(blocked, unlucky));

        assertThat(audit).isEqualTo(new DeadLetterAudit(1, 1, 1, Map.of("database_connection_lost", 1L)));
    }

    @Test
    void aFaultThreadStrikesOncePerTriggerInOrderAndStopsAfterTheStrikeInProgress() throws InterruptedException {
        List<Long> struck = new CopyOnWriteArrayList<>();
        CountDownLatch thirdStarted = new CountDownLatch(1);
        CountDownLatch releaseThird = new CountDownLatch(1);
        FaultThread thread = new FaultThread("test", trigger -> {
            if (trigger.number() == 3) {
                thirdStarted.countDown();
                releaseThird.await();
            }
            struck.add(trigger.number());
        });
        for (long n = 1; n <= 4; n++) {
            thread.trigger(new Invocation(n, List.of()));
        }

        thirdStarted.await();
        releaseThird.countDown();
        thread.stop();

        assertThat(struck).startsWith(1L, 2L, 3L);
    }
}
