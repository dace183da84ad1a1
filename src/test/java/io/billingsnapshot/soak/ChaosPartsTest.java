package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.billing.QuotaDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The soak's fault injectors and audits on their own, without servers. */
class ChaosPartsTest {

    private static QuotaDelta delta() {
        return new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.EPOCH, "USD", List.of());
    }

    @Test
    void theCrashingPublisherCutsOffEveryNthCallAlternatelyBeforeAndAfterTheRealPublish() {
        List<QuotaDelta> reachedSqs = new ArrayList<>();
        CrashingPublisher publisher = new CrashingPublisher(deltas -> {
            reachedSqs.addAll(deltas);
            return new HashSet<>(deltas.stream().map(QuotaDelta::deltaId).toList());
        }, 3);

        publisher.publish(List.of(delta()));
        publisher.publish(List.of(delta()));
        QuotaDelta third = delta();
        assertThatThrownBy(() -> publisher.publish(List.of(third))).isInstanceOf(SimulatedLambdaTimeout.class);
        publisher.publish(List.of(delta()));
        publisher.publish(List.of(delta()));
        QuotaDelta sixth = delta();
        assertThatThrownBy(() -> publisher.publish(List.of(sixth))).isInstanceOf(SimulatedLambdaTimeout.class);

        assertThat(reachedSqs).hasSize(5).doesNotContain(third).contains(sixth);
        assertThat(publisher.crashedBeforePublishing()).isEqualTo(1);
        assertThat(publisher.crashedAfterPublishing()).isEqualTo(1);
    }

    @Test
    void aDisarmedCrashingPublisherNeverCrashes() {
        CrashingPublisher publisher = new CrashingPublisher(deltas -> Set.of(), 1);
        publisher.disarm();

        for (int i = 0; i < 5; i++) {
            publisher.publish(List.of(delta()));
        }

        assertThat(publisher.crashedBeforePublishing() + publisher.crashedAfterPublishing()).isZero();
    }

    @Test
    void inFlightRequestsOffersOnlyTheNextRecordsAHandlerHasNotStarted() {
        InFlightRequests inFlight = new InFlightRequests();
        List<UUID> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(i == 3 ? null : UUID.randomUUID()); // record 3 is a malformed body
        }
        AtomicInteger started = new AtomicInteger(2);
        inFlight.enter("handler", batch, started::get);
        Random random = new Random(7);

        Set<UUID> offered = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            inFlight.next(random).ifPresent(offered::add);
        }
        started.set(8);
        boolean offeredAfterTheLast = inFlight.next(random).isPresent();
        inFlight.leave("handler");

        assertThat(offered).containsExactlyInAnyOrder(batch.get(2), batch.get(4));
        assertThat(offeredAfterTheLast).isFalse();
        assertThat(inFlight.next(random)).isEmpty();
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
    void aChaosLoopStopsAtOnceEvenDuringALongPause() throws InterruptedException {
        AtomicInteger strikes = new AtomicInteger();
        ChaosLoop loop = new ChaosLoop("idle", Duration.ofMinutes(10), new Random(1), strikes::incrementAndGet).start();

        long started = System.nanoTime();
        loop.stop();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(strikes).hasValue(0);
    }
}
