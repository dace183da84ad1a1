package io.billingsnapshot.soak;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

/**
 * What one chaos soak sends and which faults it injects, when. Faults are scheduled by the
 * workload's progress, never by the clock: a fault kind set to {@code every n} strikes at
 * the start of every n-th invocation of the run (counted over all pollers), so a fast and a
 * slow machine inject the same faults at the same points of the stream. Every value can be
 * overridden by a system property {@code soak.<name>} (e.g. {@code -Dsoak.requestLogs=20000}),
 * so the same code runs the short CI soak and the long one.
 *
 * @param requestLogs        distinct requests billed; the messages sent are more (duplicates,
 *                           extra versions) plus the invalid bodies
 * @param fifo               a FIFO source queue (message groups) instead of a standard one
 * @param pollers            concurrent handler instances, each with its own connection
 * @param seed               seeds the workload and every fault's random choices
 * @param hangLimit          the driver gives up after this, drained or not: only a hang reaches it
 * @param duplicateRate      share of messages the gateway sends twice, identically
 * @param versionRate        share of requests sent in 2-3 versions (other billedAt and usage),
 *                           shuffled so older ones often arrive last
 * @param invalidRate        share of extra messages with a malformed body
 * @param deleteEvery        every n-th invocation, the API key or upstream of a request in its
 *                           batch is deleted while the handler bills it (0: never)
 * @param deletableShare     most of the keys and of the upstreams that may be deleted
 * @param killEvery          every n-th invocation, a handler's database backend is terminated
 *                           mid-batch (0: never)
 * @param outageEvery        every n-th invocation, the quota-delta SQS server goes down (0: never)
 * @param outageFailures     publish calls that must fail against a down server before it comes back
 * @param cutOffEvery        every n-th invocation, the next publish call dies with its invocation,
 *                           alternately before and after SQS accepted the deltas (0: never)
 * @param stallEvery         every n-th invocation, the quota-delta queue stops answering: connections
 *                           are accepted, requests never answered (0: never, the default)
 * @param stallFailures      publish calls that must fail against a stalled queue before it answers again
 * @param stallLimit         the longest a stall lasts when publish calls do not give up by themselves
 * @param outboxLeaseSeconds OUTBOX_LEASE_SECONDS of the handlers
 * @param maxReceiveCount    the source queue's redrive policy (5 in template.yaml)
 */
public record ChaosSettings(
        int requestLogs,
        boolean fifo,
        int pollers,
        long seed,
        Duration hangLimit,
        double duplicateRate,
        double versionRate,
        double invalidRate,
        int deleteEvery,
        double deletableShare,
        int killEvery,
        int outageEvery,
        int outageFailures,
        int cutOffEvery,
        int stallEvery,
        int stallFailures,
        Duration stallLimit,
        int outboxLeaseSeconds,
        int maxReceiveCount) {

    /** Records per invocation, as the event source mapping's batch size. */
    static final int BATCH_SIZE = 10;
    /**
     * The short soak sends enough messages for this many times the invocations its sparsest
     * fault needs, so that every fault kind strikes in the first half of the stream at the
     * latest and its effects (failed publishes, retries, sweeps) play out before it drains.
     */
    static final int COVERAGE_MARGIN = 2;

    /**
     * The CI soak: every fault kind several times, in as few messages as that takes. Sized
     * after the overrides, so that a changed schedule still covers every fault, unless
     * {@code soak.requestLogs} says otherwise.
     */
    public static ChaosSettings shortRun(boolean fifo, Properties overrides) {
        ChaosSettings settings = new ChaosSettings(0, fifo, 4, new Random().nextLong(), Duration.ofMinutes(10),
                0.15, 0.15, 0.03, 2, 0.4, 6, 8, 2, 6, 0, 2, Duration.ofSeconds(10), 2, 5).withOverrides(overrides);
        return overrides.containsKey("soak.requestLogs") ? settings
                : settings.withRequestLogs(COVERAGE_MARGIN * settings.invocationsToCoverEveryFault() * BATCH_SIZE);
    }

    /** The long soak: some 20,000 messages. */
    public static ChaosSettings longRun(boolean fifo) {
        return new ChaosSettings(14_000, fifo, 4, new Random().nextLong(), Duration.ofMinutes(60),
                0.15, 0.15, 0.02, 3, 0.4, 10, 40, 3, 20, 200, 1, Duration.ofSeconds(30), 3, 5);
    }

    /**
     * The invocations a run must reach so that each fault kind that is on strikes at least
     * once (cut-offs twice: once before and once after publishing). A run makes at least one
     * invocation per {@link #BATCH_SIZE} messages sent, and sends at least one per request log.
     */
    int invocationsToCoverEveryFault() {
        return Math.max(Math.max(deleteEvery, killEvery), Math.max(Math.max(outageEvery, stallEvery), 2 * cutOffEvery));
    }

    ChaosSettings withRequestLogs(int value) {
        return new ChaosSettings(value, fifo, pollers, seed, hangLimit, duplicateRate, versionRate, invalidRate,
                deleteEvery, deletableShare, killEvery, outageEvery, outageFailures, cutOffEvery, stallEvery,
                stallFailures, stallLimit, outboxLeaseSeconds, maxReceiveCount);
    }

    /** These defaults, overridden by any {@code soak.*} system property. */
    public ChaosSettings withOverrides(Properties p) {
        return new ChaosSettings(integer(p, "requestLogs", requestLogs),
                bool(p, "fifo", fifo),
                integer(p, "pollers", pollers),
                Long.parseLong(p.getProperty("soak.seed", Long.toString(seed))),
                Duration.ofSeconds(integer(p, "hangLimitSeconds", (int) hangLimit.toSeconds())),
                decimal(p, "duplicateRate", duplicateRate),
                decimal(p, "versionRate", versionRate),
                decimal(p, "invalidRate", invalidRate),
                integer(p, "deleteEvery", deleteEvery),
                decimal(p, "deletableShare", deletableShare),
                integer(p, "killEvery", killEvery),
                integer(p, "outageEvery", outageEvery),
                integer(p, "outageFailures", outageFailures),
                integer(p, "cutOffEvery", cutOffEvery),
                integer(p, "stallEvery", stallEvery),
                integer(p, "stallFailures", stallFailures),
                Duration.ofMillis(integer(p, "stallLimitMillis", (int) stallLimit.toMillis())),
                integer(p, "outboxLeaseSeconds", outboxLeaseSeconds),
                integer(p, "maxReceiveCount", maxReceiveCount));
    }

    public MappingSettings mapping() {
        return MappingSettings.defaults().withPollers(pollers).withBatchSize(BATCH_SIZE)
                .withVisibilityTimeoutSeconds(30).withRetryDelaySeconds(0).withTimeBudget(hangLimit);
    }

    public String describe() {
        return String.format(Locale.ROOT,
                "seed %d: %d request logs on a %s queue, %d pollers, hang limit %ds; duplicates %.0f%%, "
                + "versions %.0f%%, invalid %.0f%%; at every n-th invocation: delete a key or upstream in use %s "
                + "(up to %.0f%%), kill a backend %s, take the delta SQS down %s (until %d publishes failed), "
                + "cut an invocation off %s, stall the delta queue %s (until %d publishes failed, at most %d ms); "
                + "lease %ds, maxReceiveCount %d", seed, requestLogs, fifo ? "FIFO" : "standard", pollers,
                hangLimit.toSeconds(), duplicateRate * 100, versionRate * 100, invalidRate * 100,
                every(deleteEvery), deletableShare * 100, every(killEvery), every(outageEvery), outageFailures,
                every(cutOffEvery), every(stallEvery), stallFailures, stallLimit.toMillis(), outboxLeaseSeconds,
                maxReceiveCount);
    }

    private static String every(int n) {
        return n > 0 ? "n=" + n : "off";
    }

    private static int integer(Properties p, String name, int fallback) {
        return Integer.parseInt(p.getProperty("soak." + name, Integer.toString(fallback)));
    }

    private static double decimal(Properties p, String name, double fallback) {
        return Double.parseDouble(p.getProperty("soak." + name, Double.toString(fallback)));
    }

    private static boolean bool(Properties p, String name, boolean fallback) {
        return Boolean.parseBoolean(p.getProperty("soak." + name, Boolean.toString(fallback)));
    }
}
