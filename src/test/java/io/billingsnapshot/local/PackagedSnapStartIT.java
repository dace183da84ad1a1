package io.billingsnapshot.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.logging.LogEvent;
import io.billingsnapshot.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The deployment jar as Lambda runs a SnapStart function: Lambda's runtime client initialises the
 * function, calls the CRaC hooks before the snapshot (org.crac routed to the client's own context,
 * as Lambda's JVM flag does), asks for the restore, calls the hooks after it, and serves
 * invocations. Priming runs in the shaded jar with its class list, leaves no row and no message,
 * and the function then answers as it always does.
 */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"},
        disabledReason = "the Runtime Interface Client's native part is built for Linux on x86_64 and arm64")
class PackagedSnapStartIT {

    private static final Path JAR = Path.of(System.getProperty("deployment.jar", "target/billing-snapshot-lambda.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void primesInTheJarBeforeTheSnapshotLeavesNoTraceAndThenServesABatch() throws Exception {
        try (LocalDeployment local = LocalDeployment.start(JAR, Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"))) {
            Await.until("the function primed before its snapshot", () -> !events(local, LogEvent.SNAPSTART_PRIMED).isEmpty());

            JsonNode primed = events(local, LogEvent.SNAPSTART_PRIMED).get(0);
            assertThat(primed.path("classesLoaded").asInt()).isGreaterThan(1_000);
            assertThat(primed.path("sqsCallsAnswered").asInt()).isPositive();
            assertThat(primed.path("databaseStatements").asInt()).as("read statements on the reachable database").isPositive();
            assertThat(events(local, LogEvent.SNAPSTART_PRIMING_INCOMPLETE)).isEmpty();
            assertThat(rows(local, "request_billing_snapshots")).isZero();
            assertThat(rows(local, "billing_quota_delta_outbox")).isZero();
            assertThat(local.sqs.drain(local.deltaQueueUrl)).as("messages on the quota queue").isEmpty();
            assertThat(local.function.output()).noneMatch(line -> line.contains("\"_aws\""));

            String response = local.function.invoke(Files.readString(Path.of("events", "sqs-batch.json")),
                    Duration.ofSeconds(30));

            assertThat(PackagedFunction.failedMessageIds(response)).isEmpty();
            assertThat(rows(local, "request_billing_snapshots")).isEqualTo(6);
            assertThat(local.sqs.drainDeltas(local.deltaQueueUrl)).hasSize(5);
        }
    }

    private static long rows(LocalDeployment local, String table) throws SQLException {
        try (Connection c = local.db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<JsonNode> events(LocalDeployment local, String event) {
        return local.function.output().stream().filter(line -> line.startsWith("{")).map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON line: " + line, e);
            }
        }).filter(line -> event.equals(line.path("event").asText())).toList();
    }
}
