package io.billingsnapshot.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The short chaos soak, part of the default test suite: a few hundred messages through the
 * real handler under every fault, on a standard and on a FIFO source queue. Prints its seed
 * and figures; {@code -Dsoak.seed=...} replays a run's workload and fault choices.
 */
class ChaosSoakTest {

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

    /** A soak that injected no fault of some kind would pass without proving anything. */
    static void assertPassedWithEveryFaultInjected(ChaosReport report) {
        assertThat(report.passed()).as(report.text()).isTrue();
        ChaosReport.Faults faults = report.faults();
        assertThat(faults.apiKeysDeleted() + faults.upstreamsDeleted()).as("keys and upstreams deleted").isPositive();
        assertThat(report.handlers().fkRetriesTotal()).as("FK races the handlers lost and retried").isPositive();
        assertThat(faults.backendsKilled()).as("database backends killed").isPositive();
        assertThat(faults.deltaQueueOutages()).as("delta queue outages").isPositive();
        assertThat(faults.cutOffBeforePublishing()).as("invocations cut off before publishing").isPositive();
        assertThat(faults.cutOffAfterPublishing()).as("invocations cut off after publishing").isPositive();
        assertThat(report.deadLetters().invalid()).as("malformed messages dead-lettered")
                .isEqualTo(report.workload().invalid());
        assertThat(report.deadLetters().validOther()).as("valid messages whose receives the faults exhausted").isZero();
    }
}
