package io.billingsnapshot.priming;

import static io.billingsnapshot.testing.BillingFixture.event;
import static io.billingsnapshot.testing.BillingFixture.failedIds;
import static io.billingsnapshot.testing.BillingFixture.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.Config;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.metrics.EmfMetrics;
import io.billingsnapshot.testing.BillingFixture;
import io.billingsnapshot.testing.BillingFixture.Request;
import io.billingsnapshot.testing.BillingFunction;
import io.billingsnapshot.testing.ConnectionCounter;
import io.billingsnapshot.testing.RecordingCheckpointContext;
import io.billingsnapshot.testing.StallingEndpoint;
import io.billingsnapshot.testing.TestSqs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SnapStart hook of the billing function, called as Lambda's runtime calls it around a
 * snapshot: it runs a batch's code paths and leaves no trace anywhere: no call to SQS, no row, no
 * message, no EMF document on stdout; one log line. It reads from the database when it can reach
 * it, and goes on without it, within its time, when it cannot.
 */
class SnapStartPrimingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final BillingFixture fixture = new BillingFixture();

    private final RecordingCheckpointContext checkpoints = new RecordingCheckpointContext();
    private final SqsCalls calls = new SqsCalls();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private JsonLog.Redirection logRedirection;

    @BeforeEach
    void captureTheLog() {
        logRedirection = JsonLog.redirect(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    @AfterEach
    void restoreTheLog() {
        logRedirection.close();
    }

    @Test
    void primesWithTheDatabaseAndSqsUnreachableAndCallsNeitherTwiceNorWritesStdout() throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ConnectionCounter database = new ConnectionCounter(); ConnectionCounter sqs = new ConnectionCounter()) {
            Map<String, String> env = fixture.environment();
            env.put("DB_URL", "jdbc:postgresql://127.0.0.1:" + database.port() + "/billing");
            env.put("SQS_ENDPOINT_URL", "http://127.0.0.1:" + sqs.port());
            env.put("QUOTA_DELTA_QUEUE_URL", "http://127.0.0.1:" + sqs.port() + "/000000000000/quota-deltas");
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            BillingFunction function = fixture.functions.snapStartBilling(env,
                    client(URI.create("http://127.0.0.1:" + sqs.port())),
                    EmfMetrics.factory(Config.DEFAULT_METRICS_NAMESPACE), Clock.systemUTC(), checkpoints);
            assertThat(events(LogEvent.SNAPSTART_PRIMED)).as("building the function does not prime").isEmpty();
            assertThat(calls.marshalled.get()).isZero();
            log.reset();

            checkpoints.beforeCheckpoint(null);
            checkpoints.afterRestore(null);

            Map<String, Object> primed = single(LogEvent.SNAPSTART_PRIMED);
            assertThat(primed.get("records")).isEqualTo(SnapStartPriming.ROUNDS * SyntheticBatch.SIZE);
            assertThat((Integer) primed.get("classesLoaded")).isGreaterThan(1_000);
            assertThat((Integer) primed.get("statementsParsed")).isPositive();
            assertThat((Integer) primed.get("sqsCallsAnswered")).isPositive().isEqualTo(calls.marshalled.get())
                    .as("answered by the loopback").isEqualTo(calls.answered.get());
            assertThat(primed.get("databaseStatements")).isEqualTo(0);
            assertThat((String) primed.get("databaseSkipped")).startsWith("unreachable: 08");
            assertThat(database.connections()).as("connections to the database: the one login tried").isEqualTo(1);
            assertThat(sqs.connections()).as("connections to SQS").isZero();
            assertThat(printed.toString(StandardCharsets.UTF_8)).as("stdout").doesNotContain("_aws");
            assertThat(lines()).extracting(line -> line.get("level")).containsOnly("INFO");

            // Negative control: a batch of the same function does reach for the database and writes its metrics.
            var response = function.handle(event(record("m1", fixture.request().body("2026-11-30T11:00:00Z"))));
            assertThat(failedIds(response)).containsExactly("m1");
            assertThat(database.connections()).isPositive();
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("\"_aws\"");
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void afterPrimingTheFunctionWritesAndPublishesEachRecordOnceAndNothingElse() throws Exception {
        Clock clock = Clock.fixed(BillingFixture.NOW, ZoneOffset.UTC);
        BillingFunction function = fixture.functions.snapStartBilling(fixture.environment(),
                client(fixture.sqs.endpoint()), () -> fixture.metrics, clock, checkpoints);
        log.reset();

        checkpoints.beforeCheckpoint(null);
        checkpoints.afterRestore(null);

        Map<String, Object> primed = single(LogEvent.SNAPSTART_PRIMED);
        assertThat(primed).containsEntry("rounds", SnapStartPriming.ROUNDS)
                .containsEntry("databaseStatements", DatabasePriming.ROUNDS * DatabasePriming.STATEMENTS)
                .doesNotContainKey("databaseSkipped");
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM billing_quota_delta_outbox")).isZero();
        assertThat(fixture.drainDeltas()).as("messages on the quota queue").isEmpty();
        assertThat(fixture.metrics.flushes()).as("the function's metrics").isZero();
        int answeredByLoopback = calls.answered.get();
        assertThat(answeredByLoopback).isEqualTo(primed.get("sqsCallsAnswered"));

        Request request = fixture.request();
        var response = function.handle(event(record("m1", request.body("2026-11-30T11:00:00Z"))));

        assertThat(failedIds(response)).isEmpty();
        assertThat(fixture.count("SELECT count(*) FROM request_billing_snapshots")).isEqualTo(1);
        assertThat(fixture.drainDeltas()).singleElement()
                .satisfies(delta -> assertThat(delta.requestLogId()).isEqualTo(request.requestLogId()));
        assertThat(calls.answered.get()).isEqualTo(answeredByLoopback + 1);
    }

    @Test
    void aDatabaseThatNeverAnswersCostsPrimingItsTimeAndNoMore() throws Exception {
        try (StallingEndpoint database = StallingEndpoint.silent()) {
            Map<String, String> env = fixture.environment();
            env.put("DB_URL", "jdbc:postgresql://127.0.0.1:" + database.port() + "/billing");
            fixture.functions.snapStartBilling(env, client(fixture.sqs.endpoint()), () -> fixture.metrics,
                    Clock.systemUTC(), checkpoints);
            log.reset();

            long started = System.nanoTime();
            checkpoints.beforeCheckpoint(null);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            Map<String, Object> primed = single(LogEvent.SNAPSTART_PRIMED);
            assertThat(primed.get("databaseStatements")).isEqualTo(0);
            assertThat((String) primed.get("databaseSkipped")).isNotBlank();
            // Bounded, not timed: a login without a bound would wait for the test's own timeout.
            assertThat(took).isLessThan(DatabasePriming.TIME.plusSeconds(10));
        }
    }

    @Test
    void aStepThatFailsIsLoggedOnceAndTheSnapshotIsTakenAllTheSame() throws Exception {
        SqsClient closed = client(fixture.sqs.endpoint());
        fixture.functions.snapStartBilling(fixture.environment(), closed, () -> fixture.metrics, Clock.systemUTC(),
                checkpoints);
        closed.close(); // a real failure of the SDK: its timeout scheduler is gone
        log.reset();

        checkpoints.beforeCheckpoint(null);

        assertThat(lines()).singleElement().satisfies(line -> {
            assertThat(line).containsEntry("event", LogEvent.SNAPSTART_PRIMING_INCOMPLETE)
                    .containsEntry("level", "WARN").containsEntry("failedStep", "sqs");
            assertThat((String) line.get("cause")).contains("RejectedExecutionException");
        });
    }

    private static SqsClient client(URI endpoint, ExecutionInterceptor... more) {
        return TestSqs.client(endpoint, more);
    }

    private SqsClient client(URI endpoint) {
        return client(endpoint, calls);
    }

    /** The SQS calls the function's client built, and those SQS answered. */
    private static final class SqsCalls implements ExecutionInterceptor {
        final AtomicInteger marshalled = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();

        @Override
        public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
            marshalled.incrementAndGet();
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            answered.incrementAndGet();
        }
    }

    private Map<String, Object> single(String event) {
        List<Map<String, Object>> found = events(event);
        assertThat(found).as(event + " lines").hasSize(1);
        return found.get(0);
    }

    private List<Map<String, Object>> events(String event) {
        return lines().stream().filter(line -> event.equals(line.get("event"))).toList();
    }

    private List<Map<String, Object>> lines() {
        return log.toString(StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).map(line -> {
            try {
                return JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON log line: " + line, e);
            }
        }).toList();
    }
}
