package io.billingsnapshot.priming;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.billing.Snapshot;
import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.metrics.Metric;
import io.billingsnapshot.metrics.Metrics;
import io.billingsnapshot.metrics.MetricsFactory;
import io.billingsnapshot.processing.BatchProcessor;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import io.billingsnapshot.store.BatchStatements;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming. Lambda snapshots a SnapStart function's execution environment once its init
 * is done, and every scale-out restores that snapshot; what the snapshot does not hold, the first
 * batch after each restore pays for: loading, linking and initialising the classes of the parser,
 * the pricing, the driver, the SQS client and the metrics, and running them in the interpreter.
 * So before the snapshot ({@link #beforeCheckpoint}, which Lambda calls for SnapStart functions
 * only) this loads the classes a real run loads ({@link ClassList}) and runs the function's own
 * code on a {@link SyntheticBatch}, {@value #ROUNDS} times: parse and price it
 * ({@link BatchProcessor#priceWithoutDatabase}), derive its quota deltas, parse the batch's
 * statements with the driver's parser ({@link BatchStatements}), have the SQS client build,
 * marshal, sign and send the calls that would publish the deltas to a loopback endpoint that
 * answers as SQS does ({@link SqsDeltaPublisher#prime}, the first {@value #SQS_ROUNDS} rounds),
 * and write the batch's metrics as EMF documents into a stream that discards them. Then, when the
 * database can be reached, its read and lock statements run for real on ids no row has
 * ({@link DatabasePriming}).
 *
 * <p>Without side effects: it sends nothing to SQS and no write statement to the database, so it
 * writes no row, publishes no delta, emits no metric and succeeds whether or not the database and
 * SQS can be reached. It writes one log line: {@value LogEvent#SNAPSTART_PRIMED}, or, when a step
 * failed (the restore then pays for that step and those after it),
 * {@value LogEvent#SNAPSTART_PRIMING_INCOMPLETE} with why. Without SnapStart nothing calls it.
 */
public final class SnapStartPriming implements Resource {

    /**
     * Runs of the batch's paths: their busy methods run per record, 480 times in all, past the
     * 200 calls after which the client compiler compiles a method.
     */
    static final int ROUNDS = 8;
    /**
     * Of those, the rounds that also have the SQS client build its calls. Its code runs per call,
     * not per record: a few rounds load, link and resolve it, and more cost more init than they
     * save (on JDK 25's tiered compiler, 50 ms a round against 10 for the batch's).
     */
    static final int SQS_ROUNDS = 4;
    private static final JsonLog LOG = JsonLog.get(SnapStartPriming.class);
    private static final PrintStream DISCARD =
            new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);

    private final BatchProcessor processor;
    private final SqsDeltaPublisher publisher;
    private final DatabasePriming database;
    private final MetricsFactory metrics;
    private final Clock clock;

    /**
     * @param processor the function's batch processor, whose parser and settings a batch uses
     * @param connections the function's database connection, registered for checkpoints before this
     *     (its hook, which closes the connection, then runs after priming's)
     * @param publisher the function's publisher, whose SQS client builds the calls
     * @param metricsNamespace the namespace the function's metrics are written in
     */
    public SnapStartPriming(BatchProcessor processor, DatabaseConnections connections, SqsDeltaPublisher publisher,
            String metricsNamespace, Clock clock) {
        this.processor = processor;
        this.publisher = publisher;
        this.database = new DatabasePriming(connections, clock);
        this.metrics = EmfMetrics.factory(metricsNamespace, DISCARD, clock);
        this.clock = clock;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to undo: the connection's own hook closed priming's connection before the snapshot.
    }

    /** Runs every step; never throws: a failed step is logged and the snapshot is taken all the same. */
    void prime() {
        long started = System.nanoTime();
        ClassList.Loaded classes = new ClassList.Loaded(0, 0);
        int records = 0;
        int deltas = 0;
        int statements = 0;
        int sqsCalls = 0;
        DatabasePriming.Result db = new DatabasePriming.Result(0, Optional.empty());
        String step = "classes";
        try {
            classes = ClassList.load(SnapStartPriming.class.getClassLoader());
            for (int round = 0; round < ROUNDS; round++) {
                step = "batch";
                Instant now = clock.instant();
                SyntheticBatch batch = SyntheticBatch.at(now);
                List<Snapshot> priced = processor.priceWithoutDatabase(batch.records(), batch.requests(),
                        batch.catalogs(), now);
                List<QuotaDelta> batchDeltas = batch.deltas(priced);
                step = "jdbc";
                statements += BatchStatements.parseWithoutConnection();
                if (round < SQS_ROUNDS) {
                    step = "sqs";
                    sqsCalls += publisher.prime(batchDeltas);
                }
                step = "metrics";
                writeMetrics(priced.size());
                records += batch.records().size();
                deltas += batchDeltas.size();
            }
            step = "database";
            db = database.prime(SyntheticBatch.requestLogIds(), SyntheticBatch.models());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn(LogEvent.SNAPSTART_PRIMING_INCOMPLETE, "durationMs", elapsedMillis(started), "failedStep", step,
                    "cause", e.toString(), "classesLoaded", classes.loaded(), "records", records);
            return;
        }
        LOG.info(LogEvent.SNAPSTART_PRIMED, "durationMs", elapsedMillis(started), "classesLoaded", classes.loaded(),
                "classesMissing", classes.missing(), "rounds", ROUNDS, "records", records, "deltas", deltas,
                "statementsParsed", statements, "sqsCallsAnswered", sqsCalls, "databaseStatements", db.statements(),
                "databaseSkipped", db.skipped().orElse(null));
    }

    /** Every metric a batch writes, as an invocation writes them, into a stream that discards them. */
    private void writeMetrics(int snapshots) {
        Metrics invocation = metrics.newInvocation();
        for (Metric metric : Metric.values()) {
            invocation.count(metric, snapshots);
        }
        invocation.outbox(snapshots, Duration.ofSeconds(1), 0);
        invocation.fkRetry(ReferenceColumn.UPSTREAM);
        invocation.batchDuration(Duration.ofMillis(snapshots));
        invocation.flush();
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
