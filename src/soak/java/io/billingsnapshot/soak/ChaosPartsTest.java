package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.quota.DeltaPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The soak's fault injectors and audits on their own, without servers. */
@Tag("soak")
class ChaosPartsTest {

    private static final Duration TIME_LEFT = Duration.ofSeconds(10);

    private static QuotaDelta delta() {
        return new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.EPOCH, "USD", List.of());
    }

    @Test
    void theCrashingPublisherCutsOffOneCallPerArmingAlternatelyBeforeAndAfterTheRealPublish() {
        List<QuotaDelta> reachedSqs = new ArrayList<>();
        CrashingPublisher publisher = new CrashingPublisher((deltas, timeLeft) -> {
            reachedSqs.addAll(deltas);
            return DeltaPublisher.Result.acceptedOnly(new HashSet<>(deltas.stream().map(QuotaDelta::deltaId).toList()));
        });

        publisher.publish(List.of(delta()), TIME_LEFT);
        publisher.arm();
        publisher.arm();
        QuotaDelta cutBefore = delta();
        assertThatThrownBy(() -> publisher.publish(List.of(cutBefore), TIME_LEFT)).isInstanceOf(SimulatedLambdaTimeout.class);
        QuotaDelta cutAfter = delta();
        assertThatThrownBy(() -> publisher.publish(List.of(cutAfter), TIME_LEFT)).isInstanceOf(SimulatedLambdaTimeout.class);
        publisher.publish(List.of(delta()), TIME_LEFT);

        assertThat(reachedSqs).hasSize(3).doesNotContain(cutBefore).contains(cutAfter);
        assertThat(publisher.crashedBeforePublishing()).isEqualTo(1);
        assertThat(publisher.crashedAfterPublishing()).isEqualTo(1);
    }

    @Test
    void aCutOffAfterPublishingThatMeetsAFailingPublishStaysArmedForTheNextCall() {
        AtomicInteger calls = new AtomicInteger();
        CrashingPublisher publisher = new CrashingPublisher((deltas, timeLeft) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("SQS down");
            }
            return DeltaPublisher.Result.acceptedOnly(
                    calls.get() == 2 ? Set.of() : new HashSet<>(deltas.stream().map(QuotaDelta::deltaId).toList()));
        });
        publisher.arm();
        assertThatThrownBy(() -> publisher.publish(List.of(delta()), TIME_LEFT)).isInstanceOf(SimulatedLambdaTimeout.class);
        publisher.arm();

        assertThatThrownBy(() -> publisher.publish(List.of(delta()), TIME_LEFT)).isInstanceOf(IllegalStateException.class);
        assertThat(publisher.publish(List.of(delta()), TIME_LEFT).accepted()).as("SQS accepted nothing: no cut-off yet").isEmpty();
        assertThatThrownBy(() -> publisher.publish(List.of(delta()), TIME_LEFT)).isInstanceOf(SimulatedLambdaTimeout.class);
        publisher.publish(List.of(delta()), TIME_LEFT);

        assertThat(publisher.crashedAfterPublishing()).isEqualTo(1);
    }

    @Test
    void aDisarmedCrashingPublisherNeverCrashes() {
        CrashingPublisher publisher = new CrashingPublisher((deltas, timeLeft) -> DeltaPublisher.Result.acceptedOnly(Set.of()));
        publisher.arm();
        publisher.disarm();

        for (int i = 0; i < 5; i++) {
            publisher.publish(List.of(delta()), TIME_LEFT);
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
                new DeadLetter("m2", "{\"requestLogId\":\"" + blocked + "\"}", 6, FailureReason.EARLIER_MESSAGE_IN_GROUP_FAILED.wireName()),
                new DeadLetter("m3", "{\"requestLogId\":\"" + unlucky + "\"}", 6, FailureReason.DATABASE_CONNECTION_LOST.wireName()));

        DeadLetterAudit audit = DeadLetterAudit.of(dead, sent, Map.of("m1", "g1", "m2", "g1", "m3", "g2"),
                Set.of(blocked, unlucky));

        assertThat(audit).isEqualTo(new DeadLetterAudit(1, 1, 1, Map.of(FailureReason.DATABASE_CONNECTION_LOST.wireName(), 1L)));
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
