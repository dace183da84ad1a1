package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.quota.DeltaPublisher;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The short chaos soak, part of the default test suite: a few hundred messages through the
 * real handler under every fault, on a standard and on a FIFO source queue. Prints its seed
 * and figures; {@code -Dsoak.seed=...} replays a run's workload and fault choices.
 */
class ChaosSoakTest {

    /** The failures the injected faults cause; any other reason on a good message is a bug. */
    static final Set<String> FAULT_REASONS = Set.of("invocation threw SimulatedLambdaTimeout",
            "database_connection_lost", "database_unavailable", "delta_publish_failed",
            "earlier_message_in_group_failed", ChaosSoak.UNLOGGED_FAILURE);

    @Test
    void noMoneyIsLostOrCountedTwiceUnderEveryFaultOnAStandardQueue() throws Exception {
        ChaosReport report = new ChaosSoak(ChaosSettings.shortRun(false).withOverrides(System.getProperties())).run();
        System.out.println(report.text());

        assertPassedWithEveryFaultInjected(report);
        assertThat(report.deadLetters().validBehindPoisonInGroup()).isZero();
    }

    @Test
    void noMoneyIsLostOrCountedTwiceUnderEveryFaultOnAFifoQueue() throws Exception {
        ChaosReport report = new ChaosSoak(ChaosSettings.shortRun(true).withOverrides(System.getProperties())).run();
        System.out.println(report.text());

        assertPassedWithEveryFaultInjected(report);
        assertThat(report.mapping().groupOverlaps()).as("a FIFO group in two invocations at once").isZero();
    }

    @Test
    void aPublisherThatAcknowledgesDeltasItNeverSentFailsTheSoak() throws Exception {
        Properties quiet = new Properties();
        quiet.putAll(Map.of("soak.requestLogs", "60", "soak.crashEvery", "0", "soak.outboxLeaseSeconds", "1",
                "soak.killEveryMillis", "60000", "soak.outageEveryMillis", "60000"));
        ChaosSettings settings = ChaosSettings.shortRun(false).withOverrides(quiet);

        ChaosReport report = new ChaosSoak(settings).withPublisherBug(LosingPublisher::new).run();
        System.out.println(report.text());

        assertThat(report.passed()).isFalse();
        // Every violation is a sum that no longer matches: a lost charge shows "off by -", a lost
        // correction of a re-priced request (a negative delta) shows "off by +".
        assertThat(report.conservation().violations()).isNotEmpty()
                .allSatisfy(violation -> assertThat(violation).containsPattern("off by [-+]"));
    }

    /** Says every third delta was accepted but never sends it: money silently lost. */
    private static final class LosingPublisher implements DeltaPublisher {
        private final DeltaPublisher real;
        private final AtomicInteger seen = new AtomicInteger();

        LosingPublisher(DeltaPublisher real) {
            this.real = real;
        }

        @Override
        public Set<UUID> publish(List<QuotaDelta> deltas) {
            List<QuotaDelta> sent = deltas.stream().filter(d -> seen.incrementAndGet() % 3 != 0).toList();
            Set<UUID> accepted = new HashSet<>(real.publish(sent));
            deltas.stream().filter(d -> !sent.contains(d)).forEach(d -> accepted.add(d.deltaId()));
            return accepted;
        }
    }

    /** A soak that injected no fault of some kind would pass without proving anything. */
    static void assertPassedWithEveryFaultInjected(ChaosReport report) {
        assertThat(report.passed()).as(report.text()).isTrue();
        ChaosReport.Faults faults = report.faults();
        assertThat(faults.apiKeysDeleted() + faults.upstreamsDeleted()).as("keys and upstreams deleted").isPositive();
        // No FK retry is expected any more: the write engine locks the parents (FOR KEY SHARE) before
        // writing, so a concurrent delete waits for it or is read as NULL; the retry is the safety
        // net for what locks cannot prevent (FkRaceTest stages it).
        assertThat(faults.backendsKilled()).as("database backends killed").isPositive();
        assertThat(faults.deltaQueueOutages()).as("delta queue outages").isPositive();
        assertThat(faults.cutOffBeforePublishing()).as("invocations cut off before publishing").isPositive();
        assertThat(faults.cutOffAfterPublishing()).as("invocations cut off after publishing").isPositive();
        assertThat(report.deadLetters().invalid()).as("malformed messages dead-lettered")
                .isEqualTo(report.workload().invalid());
        // A handler failing a good message again and again would be "in the DLQ with a reason" too.
        DeadLetterAudit dead = report.deadLetters();
        assertThat(dead.validOtherByReason().keySet()).as("why valid messages ran out of receives")
                .isSubsetOf(FAULT_REASONS);
        assertThat(dead.validOther()).as("valid messages whose receives the faults used up")
                .isLessThanOrEqualTo(Math.max(2, report.messagesSent() / 100));
    }
}
