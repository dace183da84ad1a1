package io.billingsnapshot.soak;

import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Every fault of one soak, wired together: the chaos threads (deleting keys and upstreams in
 * use, killing database backends, taking the quota-delta SQS server down) and the publisher
 * that cuts invocations off, with their tallies.
 */
final class ChaosFaults {

    private final InFlightRequests inFlight = new InFlightRequests();
    private final AtomicLong restarts = new AtomicLong();
    private final ReferenceDeleter deleter;
    private final BackendKiller killer;
    private final DeltaQueueOutages outages;
    private final CrashingPublisher publisher;
    private final List<ChaosLoop> loops;

    /**
     * @param realPublisher the handlers' SQS publisher, which the faults wrap
     * @param collector     drained before each outage (the embedded server forgets its messages)
     */
    ChaosFaults(ChaosSettings settings, TestDatabase.Db db, ChaosWorkload workload, TestSqs deltaServer,
            DeltaCollector collector, DeltaPublisher realPublisher, Random random) {
        deleter = new ReferenceDeleter(db, workload, inFlight, settings, new Random(random.nextLong()));
        killer = new BackendKiller(db, new Random(random.nextLong()));
        outages = new DeltaQueueOutages(deltaServer, collector, settings.outageLength());
        publisher = new CrashingPublisher(outages.gate(realPublisher), settings.crashEvery());
        loops = List.of(
                new ChaosLoop("delete-references", settings.deleteEvery(), new Random(random.nextLong()),
                        deleter::strike),
                new ChaosLoop("kill-backends", settings.killEvery(), new Random(random.nextLong()), killer::strike),
                new ChaosLoop("delta-queue-outage", settings.outageEvery(), new Random(random.nextLong()),
                        outages::strike));
    }

    /** What the handlers publish through. */
    DeltaPublisher publisher() {
        return publisher;
    }

    InFlightRequests inFlight() {
        return inFlight;
    }

    /** Called when a killed invocation's environment is replaced. */
    void environmentRestarted() {
        restarts.incrementAndGet();
    }

    void start() {
        loops.forEach(ChaosLoop::start);
    }

    /** Ends every fault: the loops finish their strike (the server is back up), crashes stop. */
    void stop() throws InterruptedException {
        for (ChaosLoop loop : loops) {
            loop.stop();
        }
        deleter.close();
        publisher.disarm();
    }

    ChaosReport.Faults tally() {
        Map<String, Long> notInjected = loops.stream().filter(loop -> loop.errors() > 0)
                .collect(Collectors.toMap(ChaosLoop::name, ChaosLoop::errors));
        return new ChaosReport.Faults(deleter.keysDeleted(), deleter.upstreamsDeleted(), deleter.refused(),
                killer.killedByState(), outages.outages(), outages.downMillis(), publisher.crashedBeforePublishing(),
                publisher.crashedAfterPublishing(), restarts.get(), notInjected);
    }
}
