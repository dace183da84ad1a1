package io.billingsnapshot.soak;

import io.billingsnapshot.quota.DeltaPublisher;
import io.billingsnapshot.testing.StallingEndpoint;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Every fault of one soak, wired together and scheduled by progress: each invocation
 * reports its start here, and at the invocations the settings name a fault strikes. Deleting
 * a key or upstream happens before the invocation runs (on its own batch); killing a backend,
 * taking the delta SQS server down and stalling the delta queue run on their own threads
 * while the handlers work; cut-offs are armed for the next publish call. Random choices
 * (which request, key or upstream, which backend) come from the soak's seed.
 */
final class ChaosFaults {

    private final ChaosSettings settings;
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final ReferenceDeleter deleter;
    private final BackendKiller killer;
    private final DeltaQueueOutages outages;
    private final Optional<DeltaQueueStalls> stalls;
    private final CrashingPublisher publisher;
    private final FaultThread killing;
    private final FaultThread outage;
    private final Optional<FaultThread> stall;

    /**
     * @param realPublisher the handlers' SQS publisher, which the faults wrap
     * @param collector     drained before each outage (the embedded server forgets its messages)
     * @param stallable     the endpoint the publisher reaches the delta queue through, when stalls are on
     */
    ChaosFaults(ChaosSettings settings, TestDatabase.Db db, ChaosWorkload workload, TestSqs deltaServer,
            DeltaCollector collector, DeltaPublisher realPublisher, Optional<StallingEndpoint> stallable,
            Random random) {
        this.settings = settings;
        BooleanSupplier stopped = () -> stopping.getCount() == 0;
        FailedPublishes failedPublishes = new FailedPublishes();
        deleter = new ReferenceDeleter(db, workload, settings, new Random(random.nextLong()), stopped);
        killer = new BackendKiller(db, new Random(random.nextLong()), settings.hangLimit(), stopped);
        outages = new DeltaQueueOutages(deltaServer, collector, failedPublishes, settings, stopped);
        stalls = stallable.map(endpoint -> new DeltaQueueStalls(endpoint, failedPublishes, settings, stopped));
        publisher = new CrashingPublisher(failedPublishes.counting(outages.gate(realPublisher)));
        killing = new FaultThread("kill-backends", killer::strike);
        outage = new FaultThread("delta-queue-outage", outages::strike);
        stall = stalls.map(s -> new FaultThread("delta-queue-stall", s::strike));
    }

    /** What the handlers publish through. */
    DeltaPublisher publisher() {
        return publisher;
    }

    /**
     * Called as each invocation starts, with its batch's request logs (null for a malformed
     * body): the faults due at this point of the run strike. The returned invocation must be
     * {@linkplain Invocation#end() ended} when it returns.
     */
    Invocation invocationStarting(List<UUID> requestLogIds) {
        Invocation invocation = new Invocation(invocations.incrementAndGet(), requestLogIds);
        long n = invocation.number();
        if (strikesAt(n, settings.cutOffEvery())) {
            publisher.arm();
        }
        if (strikesAt(n, settings.killEvery())) {
            killing.trigger(invocation);
        }
        if (strikesAt(n, settings.outageEvery())) {
            outage.trigger(invocation);
        }
        if (strikesAt(n, settings.stallEvery())) {
            stall.orElseThrow(() -> new IllegalStateException("stalls are on but the delta queue is not stallable"))
                    .trigger(invocation);
        }
        if (strikesAt(n, settings.deleteEvery())) {
            deleter.schedule();
        }
        deleter.beforeInvocation(invocation);
        return invocation;
    }

    private static boolean strikesAt(long invocation, int every) {
        return every > 0 && invocation % every == 0;
    }

    /** Called when a killed invocation's environment is replaced. */
    void environmentRestarted() {
        restarts.incrementAndGet();
    }

    /** Ends every fault: strikes in progress finish (the server back, the delete committed), cut-offs stop. */
    void stop() throws InterruptedException {
        stopping.countDown();
        for (FaultThread thread : threads()) {
            thread.stop();
        }
        deleter.stop();
        publisher.disarm();
    }

    private List<FaultThread> threads() {
        List<FaultThread> threads = new ArrayList<>(List.of(killing, outage));
        stall.ifPresent(threads::add);
        return threads;
    }

    ChaosReport.Faults tally() {
        Map<String, Long> notInjected = threads().stream().filter(thread -> thread.errors() > 0)
                .collect(Collectors.toMap(FaultThread::name, FaultThread::errors));
        return new ChaosReport.Faults(invocations.get(), deleter.keysDeleted(), deleter.upstreamsDeleted(),
                deleter.handlersCaught(), deleter.refusedCount(), killer.killedByState(), outages.outages(),
                outages.failedWhileDown(), stalls.map(DeltaQueueStalls::stalls).orElse(0L),
                stalls.map(DeltaQueueStalls::failedWhileStalled).orElse(0L), publisher.crashedBeforePublishing(),
                publisher.crashedAfterPublishing(), restarts.get(), notInjected);
    }
}
