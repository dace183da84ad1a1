package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.processing.FailureReason;
import io.billingsnapshot.quota.DeltaPublisher;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The short chaos soak, part of the default test suite: the real handler under every fault,
 * each scheduled by the stream's progress (every n-th invocation), on a standard and on a
 * FIFO source queue. Prints its seed, figures and fault counts; {@code -Dsoak.seed=...}
 * replays a run's workload and fault choices, {@code -Dsoak.repeat=20} runs each soak 20
 * times in one JVM (a new seed each time unless one is given).
 */
class ChaosSoakTest {

    /** The failures the injected faults cause; any other reason on a good message is a bug. */
    static final Set<String> FAULT_REASONS = Set.of("invocation threw SimulatedLambdaTimeout",
            FailureReason.DATABASE_CONNECTION_LOST.wireName(), FailureReason.DATABASE_UNAVAILABLE.wireName(),
            FailureReason.DELTA_PUBLISH_FAILED.wireName(), FailureReason.EARLIER_MESSAGE_IN_GROUP_FAILED.wireName(),
            ChaosSoak.UNLOGGED_FAILURE);

    static IntStream runs() {
        return IntStream.rangeClosed(1, Integer.getInteger("soak.repeat", 1));
    }

    @ParameterizedTest(name = "run {0}")
    @MethodSource("runs")
    void noMoneyIsLostOrCountedTwiceUnderEveryFaultOnAStandardQueue(int run) throws Exception {
        ChaosReport report = new ChaosSoak(ChaosSettings.shortRun(false, System.getProperties())).run();
        print("standard", run, report);

        assertPassedWithEveryFaultInjected(report);
        assertThat(report.deadLetters().validBehindPoisonInGroup()).isZero();
    }

    @ParameterizedTest(name = "run {0}")
    @MethodSource("runs")
    void noMoneyIsLostOrCountedTwiceUnderEveryFaultOnAFifoQueue(int run) throws Exception {
        ChaosReport report = new ChaosSoak(ChaosSettings.shortRun(true, System.getProperties())).run();
        print("FIFO", run, report);

        assertPassedWithEveryFaultInjected(report);
        assertThat(report.mapping().groupOverlaps()).as("a FIFO group in two invocations at once").isZero();
    }

    @Test
    void aPublisherThatAcknowledgesDeltasItNeverSentFailsTheSoak() throws Exception {
        Properties noFaults = new Properties();
        noFaults.putAll(Map.of("soak.requestLogs", "60", "soak.deleteEvery", "0", "soak.killEvery", "0",
                "soak.outageEvery", "0", "soak.cutOffEvery", "0", "soak.stallEvery", "0"));
        ChaosSettings settings = ChaosSettings.shortRun(false, noFaults);
        Map<UUID, QuotaDelta> lost = new ConcurrentHashMap<>();

        ChaosReport report = new ChaosSoak(settings).withPublisherBug(real -> new LosingPublisher(real, lost)).run();
        print("lossy publisher", 1, report);

        assertThat(report.passed()).isFalse();
        assertThat(lost).as("deltas the publisher dropped").isNotEmpty();
        Map<AdjustmentTarget, BigDecimal> missing = report.conservation().sumMismatches().stream().collect(
                Collectors.toMap(ConservationResult.SumMismatch::target, ConservationResult.SumMismatch::missing));
        assertThat(missing).as("the money the check says went missing, by key and upstream")
                .usingRecursiveComparison().withComparatorForType(ChaosSoakTest::sameMoney, BigDecimal.class)
                .isEqualTo(sumsByTarget(lost.values()));
    }

    private static Map<AdjustmentTarget, BigDecimal> sumsByTarget(java.util.Collection<QuotaDelta> deltas) {
        Map<AdjustmentTarget, BigDecimal> sums = new HashMap<>();
        for (QuotaDelta delta : deltas) {
            for (Adjustment adjustment : delta.adjustments()) {
                sums.merge(new AdjustmentTarget(adjustment.scope().wireName(), adjustment.id()), adjustment.amount(),
                        BigDecimal::add);
            }
        }
        sums.values().removeIf(sum -> sum.abs().compareTo(ConservationCheck.TOLERANCE) <= 0);
        return sums;
    }

    /** Equal within the conservation check's tolerance (billed costs are doubles, deltas exact decimals). */
    private static int sameMoney(BigDecimal a, BigDecimal b) {
        return a.subtract(b).abs().compareTo(ConservationCheck.TOLERANCE) <= 0 ? 0 : a.compareTo(b);
    }

    /** Says every third delta was accepted but never sends it, and remembers what it dropped. */
    private static final class LosingPublisher implements DeltaPublisher {
        private final DeltaPublisher real;
        private final Map<UUID, QuotaDelta> lost;
        private final Set<UUID> reallySent = ConcurrentHashMap.newKeySet();
        private final AtomicInteger seen = new AtomicInteger();

        LosingPublisher(DeltaPublisher real, Map<UUID, QuotaDelta> lost) {
            this.real = real;
            this.lost = lost;
        }

        @Override
        public Result publish(List<QuotaDelta> deltas, Duration timeLeft) {
            List<QuotaDelta> sent = deltas.stream().filter(d -> seen.incrementAndGet() % 3 != 0).toList();
            Result result = real.publish(sent, timeLeft);
            Set<UUID> accepted = new HashSet<>(result.accepted());
            sent.forEach(d -> {
                reallySent.add(d.deltaId());
                lost.remove(d.deltaId()); // a re-publication that got through after all
            });
            deltas.stream().filter(d -> !sent.contains(d)).forEach(d -> {
                if (!reallySent.contains(d.deltaId())) {
                    lost.put(d.deltaId(), d);
                }
                accepted.add(d.deltaId());
            });
            return new Result(accepted, result.refused());
        }
    }

    private static void print(String soak, int run, ChaosReport report) {
        System.out.println(report.text());
        System.out.printf(Locale.ROOT, "SOAK %s run %d seed %d %s in %d s: %s fkRacesLost=%d%n", soak, run,
                report.settings().seed(), report.passed() ? "PASSED" : "FAILED", report.duration().toSeconds(),
                report.faults().counts(), report.handlers().fkRacesLost());
    }

    /** A soak that injected no fault of some kind would pass without proving anything. */
    static void assertPassedWithEveryFaultInjected(ChaosReport report) {
        assertThat(report.passed()).as(report.text()).isTrue();
        ChaosReport.Faults faults = report.faults();
        assertThat(faults.apiKeysDeleted() + faults.upstreamsDeleted()).as("keys and upstreams deleted").isPositive();
        assertThat(faults.deletionsAHandlerRanInto()).as("deletions a handler's write ran into").isPositive();
        // No FK retry is expected any more: the write engine locks the parents (FOR KEY SHARE) before
        // writing, so a concurrent delete waits for it or is read as NULL; the retry is the safety
        // net for what locks cannot prevent (FkRaceTest stages it).
        assertThat(faults.backendsKilled()).as("database backends killed").isPositive();
        assertThat(faults.deltaQueueOutages()).as("delta queue outages").isPositive();
        assertThat(faults.publishesFailedInOutages()).as("publishes that met an outage").isPositive();
        if (report.settings().stallEvery() > 0) {
            assertThat(faults.deltaQueueStalls()).as("delta queue stalls").isPositive();
            assertThat(faults.publishesFailedInStalls()).as("publishes that met a stall").isPositive();
        }
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
