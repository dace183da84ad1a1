package io.billingsnapshot.soak;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.SqsRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deadlock rate of overlapping invocations, measured: round after round, several handlers
 * start at once on batches drawn from the same few requests (ids random, so half of them differ
 * in sign between Java's and PostgreSQL's order), each batch one set; every deadlock PostgreSQL
 * detects shows as a set split or a failed record with SQLState 40P01. deadlock_timeout is 20 ms
 * so that a deadlock costs little time. Tagged {@code soak}:
 * <pre>
 * ./mvnw -B test -Psoak -Dtest=OverlappingInvocationsDeadlockTest [-Dsoak.rounds=300] [-Dsoak.invocations=4]
 * </pre>
 * docs/design.md §8 keeps the figures.
 */
@Tag("soak")
class OverlappingInvocationsDeadlockTest {

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    @Test
    void overlappingInvocationsNeverDeadlock() throws Exception {
        int rounds = Integer.getInteger("soak.rounds", 300);
        int invocations = Integer.getInteger("soak.invocations", 4);
        fixture.db.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET deadlock_timeout = %L',"
                + " current_database(), '20ms'); END $$");
        List<BillingSnapshotHandler> handlers = new ArrayList<>();
        for (int h = 0; h < invocations; h++) {
            handlers.add(fixture.handler());
        }
        Random random = new Random(20261206);
        ExecutorService threads = Executors.newFixedThreadPool(invocations);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long failedRecords = 0;
        long started = System.nanoTime();
        try (JsonLog.Redirection ignored = JsonLog.redirect(new PrintStream(log, true, StandardCharsets.UTF_8),
                Clock.systemUTC())) {
            for (int round = 0; round < rounds; round++) {
                List<Request> pool = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    pool.add(fixture.request());
                }
                CyclicBarrier start = new CyclicBarrier(invocations);
                List<CompletableFuture<Integer>> runs = new ArrayList<>();
                for (BillingSnapshotHandler handler : handlers) {
                    SQSEvent batch = batch(pool, random);
                    long jitterMicros = random.nextInt(3_000);
                    runs.add(CompletableFuture.supplyAsync(() -> {
                        await(start);
                        sleepMicros(jitterMicros);
                        return handler.handleRequest(batch, null).getBatchItemFailures().size();
                    }, threads));
                }
                for (CompletableFuture<Integer> run : runs) {
                    failedRecords += run.get();
                }
            }
        } finally {
            threads.shutdownNow();
        }
        String lines = log.toString(StandardCharsets.UTF_8);
        long deadlocks = lines.lines().filter(line -> line.contains("40P01")).count();
        long splits = lines.lines().filter(line -> line.contains("\"set_split\"")).count();
        System.out.printf(Locale.ROOT, "%d rounds of %d overlapping invocations (%d batches of 6 of 10 requests):"
                + " %d deadlocks (40P01), %d set splits, %d records reported failed, %d s%n", rounds, invocations,
                rounds * invocations, deadlocks, splits, failedRecords,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));

        assertThat(deadlocks).isZero();
        assertThat(failedRecords).isZero();
    }

    /** Six of the pool's requests in random order, each at one of three instants (newer, equal or stale). */
    private static SQSEvent batch(List<Request> pool, Random random) {
        List<Request> shuffled = new ArrayList<>(pool);
        Collections.shuffle(shuffled, random);
        List<SqsRecord> records = new ArrayList<>();
        for (Request request : shuffled.subList(0, 6)) {
            String billedAt = Instant.parse("2026-11-30T11:00:00Z").plusSeconds(random.nextInt(3)).toString();
            records.add(record(UUID.randomUUID().toString(), request.body(billedAt)));
        }
        return event(records);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepMicros(long micros) {
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
