package io.billingsnapshot.soak;

import java.time.Duration;
import java.util.Properties;
import java.util.Random;

/**
 * What one chaos soak sends and which faults it injects, how often. Every value can be
 * overridden by a system property {@code soak.<name>} (e.g. {@code -Dsoak.messages=20000}),
 * so the same code runs the short CI soak and the long one.
 *
 * @param requestLogs          distinct requests billed; the messages sent are more (duplicates,
 *                             extra versions) plus the invalid bodies
 * @param fifo                 a FIFO source queue (message groups) instead of a standard one
 * @param pollers              concurrent handler instances, each with its own connection
 * @param seed                 seeds the workload and every fault's random choices
 * @param timeBudget           the driver stops polling after this, drained or not
 * @param duplicateRate        share of messages the gateway sends twice, identically
 * @param versionRate          share of requests sent in 2-3 versions (other billedAt and usage),
 *                             shuffled so older ones often arrive last
 * @param invalidRate          share of extra messages with a malformed body
 * @param deleteEvery          mean pause between deletions of an API key or upstream in use
 * @param deletionHold         how long the deleting transaction stays open before it commits
 * @param deletableShare       most of the keys and upstreams that may be deleted
 * @param killEvery            mean pause between terminations of a handler's database backend
 * @param outageEvery          mean pause between outages of the quota-delta SQS server
 * @param outageLength         how long each outage lasts
 * @param crashEvery           every n-th publish call dies with the invocation (0: never)
 * @param outboxLeaseSeconds   OUTBOX_LEASE_SECONDS of the handlers
 * @param maxReceiveCount      the source queue's redrive policy (5 in template.yaml)
 */
public record ChaosSettings(
        int requestLogs,
        boolean fifo,
        int pollers,
        long seed,
        Duration timeBudget,
        double duplicateRate,
        double versionRate,
        double invalidRate,
        Duration deleteEvery,
        Duration deletionHold,
        double deletableShare,
        Duration killEvery,
        Duration outageEvery,
        Duration outageLength,
        int crashEvery,
        int outboxLeaseSeconds,
        int maxReceiveCount) {

    /** The CI soak: a few hundred messages, every fault several times, well under a minute. */
    public static ChaosSettings shortRun(boolean fifo) {
        return new ChaosSettings(fifo ? 180 : 240, fifo, 4, new Random().nextLong(), Duration.ofSeconds(40),
                0.15, 0.15, 0.03, Duration.ofMillis(60), Duration.ofMillis(50), 0.4,
                Duration.ofMillis(250), Duration.ofMillis(1200), Duration.ofMillis(250), 8, 2, 5);
    }

    /** The long soak: some 20,000 messages, minutes of faults. */
    public static ChaosSettings longRun(boolean fifo) {
        return new ChaosSettings(14_000, fifo, 4, new Random().nextLong(), Duration.ofMinutes(15),
                0.15, 0.15, 0.02, Duration.ofMillis(120), Duration.ofMillis(50), 0.4,
                Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofMillis(700), 40, 3, 5);
    }

    /** These defaults, overridden by any {@code soak.*} system property. */
    public ChaosSettings withOverrides(Properties p) {
        return new ChaosSettings(
                integer(p, "requestLogs", requestLogs),
                bool(p, "fifo", fifo),
                integer(p, "pollers", pollers),
                Long.parseLong(p.getProperty("soak.seed", Long.toString(seed))),
                Duration.ofSeconds(integer(p, "timeBudgetSeconds", (int) timeBudget.toSeconds())),
                decimal(p, "duplicateRate", duplicateRate),
                decimal(p, "versionRate", versionRate),
                decimal(p, "invalidRate", invalidRate),
                millis(p, "deleteEveryMillis", deleteEvery),
                millis(p, "deletionHoldMillis", deletionHold),
                decimal(p, "deletableShare", deletableShare),
                millis(p, "killEveryMillis", killEvery),
                millis(p, "outageEveryMillis", outageEvery),
                millis(p, "outageMillis", outageLength),
                integer(p, "crashEvery", crashEvery),
                integer(p, "outboxLeaseSeconds", outboxLeaseSeconds),
                integer(p, "maxReceiveCount", maxReceiveCount));
    }

    public MappingSettings mapping() {
        return MappingSettings.defaults().withPollers(pollers).withBatchSize(10).withVisibilityTimeoutSeconds(30)
                .withRetryDelaySeconds(0).withTimeBudget(timeBudget);
    }

    public String describe() {
        return ("seed %d: %d request logs on a %s queue, %d pollers, budget %ds; duplicates %.0f%%, versions %.0f%%, "
                + "invalid %.0f%%; delete a key or upstream every ~%dms (held %dms, up to %.0f%%), kill a backend "
                + "every ~%dms, delta SQS down every ~%dms for %dms, crash every %d-th publish; lease %ds, "
                + "maxReceiveCount %d").formatted(seed, requestLogs, fifo ? "FIFO" : "standard", pollers,
                timeBudget.toSeconds(), duplicateRate * 100, versionRate * 100, invalidRate * 100,
                deleteEvery.toMillis(), deletionHold.toMillis(), deletableShare * 100, killEvery.toMillis(),
                outageEvery.toMillis(), outageLength.toMillis(), crashEvery, outboxLeaseSeconds, maxReceiveCount);
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

    private static Duration millis(Properties p, String name, Duration fallback) {
        return Duration.ofMillis(Long.parseLong(p.getProperty("soak." + name, Long.toString(fallback.toMillis()))));
    }
}
