package io.billingsnapshot.soak;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The long chaos soak: some 20,000 messages under every fault for several minutes. Tagged
 * {@code soak}, which the default build excludes; run it with
 * <pre>
 * ./mvnw -B test -Psoak -Dtest=ChaosSoakLongTest [-Dsoak.requestLogs=20000] [-Dsoak.fifo=true] [-Dsoak.seed=...]
 * </pre>
 * (every {@code soak.*} property of {@link ChaosSettings} applies). docs/reliability.md
 * keeps the figures of the last run.
 */
@Tag("soak")
class ChaosSoakLongTest {

    @Test
    void noMoneyIsLostOrCountedTwiceOverALongRunUnderEveryFault() throws Exception {
        ChaosSettings settings = ChaosSettings.longRun(false).withOverrides(System.getProperties());

        ChaosReport report = new ChaosSoak(settings).run();
        System.out.println(report.text());

        ChaosSoakTest.assertPassedWithEveryFaultInjected(report);
    }
}
