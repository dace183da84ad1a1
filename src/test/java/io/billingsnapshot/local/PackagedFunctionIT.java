package io.billingsnapshot.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The freshly built deployment jar, run as Lambda runs it ({@link PackagedFunction}), on every
 * file of {@code events/}: Lambda's own deserialisation of the SQS event (FIFO attributes
 * included), the handler's init from environment variables, and a context with a deadline.
 * One execution environment serves the class, as Lambda reuses a warm one; each test starts
 * from the demo rows with no snapshot, outbox row or published delta. Runs in {@code verify}
 * after {@code package} (failsafe).
 */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"},
        disabledReason = "the Runtime Interface Client's native part is built for Linux on x86_64 and arm64")
class PackagedFunctionIT {

    private static final Path JAR = Path.of(System.getProperty("deployment.jar", "target/billing-snapshot-lambda.jar"));
    private static final Path EVENTS = Path.of("events");
    /** The function's Timeout in template.yaml. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What one file of events/ does on the demo rows: the records to redeliver, the rows, the deltas sent. */
    private record Outcome(List<String> failedMessageIds, List<String> rows, int deltasPublished) {
    }

    /** Rows read "request (last two digits) status [reason] [final_cost] key (last two digits or NULL)". */
    private static final Map<String, Outcome> EXPECTED = Map.of(
            "sqs-batch.json", new Outcome(List.of(), List.of(
                    "01 billed 0.00625 key 01",
                    "02 billed 2.421 key 01", // long-context tier of the manual rule, reseller multipliers
                    "03 billed 0.165 key 01",
                    "04 unbilled model_missing key 01",
                    "05 billed 0.0125 key NULL", // the key was deleted after the gateway logged the request
                    "06 billed 0.018 key 01"), 5),
            "sqs-batch-invalid.json", new Outcome(List.of(
                    "22222222-0000-4000-8000-000000000002", // promptTokens beyond int4
                    "22222222-0000-4000-8000-000000000003", // no such request log
                    "22222222-0000-4000-8000-000000000004", // not JSON
                    "22222222-0000-4000-8000-000000000005"), // unknown effective tier
                    List.of("01 billed 0.0065 key 01"), 1),
            "sqs-fifo-batch.json", new Outcome(List.of(
                    "33333333-0000-4000-8000-000000000002", // not JSON
                    "33333333-0000-4000-8000-000000000003"), // after a failure in its message group
                    List.of("01 billed 0.0035 key 01", "02 billed 0.0063 key 01"), 2));

    private static LocalDeployment local;

    @BeforeAll
    static void startFunction() throws IOException {
        local = LocalDeployment.start(JAR);
    }

    @AfterAll
    static void stopFunction() {
        local.close();
    }

    @BeforeEach
    void forgetEarlierInvocations() {
        local.db.execute("DELETE FROM billing_quota_delta_outbox");
        local.db.execute("DELETE FROM request_billing_snapshots");
        local.sqs.drain(local.deltaQueueUrl);
    }

    static Stream<String> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".json"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventFiles")
    void answersEveryEventFileWithItsFailuresAndWritesItsRows(String file) throws Exception {
        Outcome expected = EXPECTED.get(file);
        assertThat(expected).as("the expected outcome of events/%s, in EXPECTED", file).isNotNull();

        String response = local.function.invoke(Files.readString(EVENTS.resolve(file)), TIMEOUT);

        assertThat(PackagedFunction.failedMessageIds(response))
                .containsExactlyInAnyOrderElementsOf(expected.failedMessageIds());
        assertThat(rows()).containsExactlyElementsOf(expected.rows());
        assertThat(local.sqs.drainDeltas(local.deltaQueueUrl)).hasSize(expected.deltasPublished());
    }

    @Test
    void failsEveryRecordAndWritesNothingWhenLessTimeIsLeftThanTheDeadlineReserve() throws Exception {
        // The reserve is 5 s by default: only a context carrying this deadline can stop the batch.
        String response = local.function.invoke(Files.readString(EVENTS.resolve("sqs-batch.json")),
                Duration.ofSeconds(2));

        assertThat(PackagedFunction.failedMessageIds(response)).hasSize(6)
                .allMatch(id -> id.startsWith("11111111-0000-4000-8000-00000000000"));
        assertThat(rows()).isEmpty();
    }

    @Test
    void deploymentJarHoldsTheHandlerAndNoTestOrLocalDependency() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> entries = jar.stream().map(entry -> entry.getName()).toList();

            assertThat(entries).contains("io/billingsnapshot/BillingSnapshotHandler.class")
                    .noneMatch(name -> name.matches("(?i).*(zonky|elasticmq|testcontainers|runtime/api/client|junit).*"));
        }
    }

    @Test
    void deploymentJarMergesTheServiceFilesThatSeveralDependenciesShip() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String warmUp = new String(jar.getInputStream(jar.getEntry(
                    "META-INF/services/software.amazon.awssdk.core.warmup.SdkWarmUpProvider")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);

            assertThat(warmUp).contains("services.sqs.").contains("services.rds.");
        }
    }

    private static List<String> rows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = local.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT right(request_log_id::text, 2), billing_status, unbillable_reason, final_cost::text,
                       coalesce(right(api_key_id::text, 2), 'NULL')
                FROM request_billing_snapshots ORDER BY request_log_id""")) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder(rs.getString(1)).append(' ').append(rs.getString(2));
                for (int column = 3; column <= 4; column++) {
                    if (rs.getString(column) != null) {
                        row.append(' ').append(rs.getString(column));
                    }
                }
                rows.add(row.append(" key ").append(rs.getString(5)).toString());
            }
        }
        return rows;
    }
}
