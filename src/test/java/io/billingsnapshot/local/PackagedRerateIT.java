package io.billingsnapshot.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.RerateHandler;
import io.billingsnapshot.rerate.InvalidRerateRequestException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The deployment jar's re-rate handler run as Lambda runs it, beside the billing function on the
 * demo rows: its no-arg constructor initialises from the environment, a request comes through
 * Lambda's serializer and the report goes back through it, and a refused request is the
 * invocation's error, as an operator's {@code aws lambda invoke} shows it. Runs in {@code verify}
 * after {@code package} (failsafe).
 */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"},
        disabledReason = "the Runtime Interface Client's native part is built for Linux on x86_64 and arm64")
class PackagedRerateIT {

    private static final Path JAR = Path.of(System.getProperty("deployment.jar", "target/billing-snapshot-lambda.jar"));
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    @Test
    void anOperatorsRequestIsAnsweredAndABadOneIsTheInvocationsError() throws Exception {
        try (LocalDeployment local = LocalDeployment.start(JAR);
                PackagedFunction rerate = PackagedFunction.start(JAR, local.environment,
                        RerateHandler.class.getName() + "::handleRequest")) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            local.function.invoke(java.nio.file.Files.readString(Path.of("events/sqs-batch.json")), Duration.ofSeconds(30));
            Instant after = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);

            // The demo events carry no dates: their rows are billed when the batch ran.
            String report = rerate.invoke("{\"from\": \"" + before + "\", \"to\": \"" + after + "\"}", TIMEOUT);

            // The six demo rows priced as stored: nothing to change; a finished range has no "next" at all.
            assertThat(report).isEqualTo(
                    "{\"examined\":6,\"changed\":0,\"billedNow\":0,\"unresolved\":0,\"adjustments\":[]}");
            assertThatThrownBy(() -> rerate.invoke("{\"from\": \"" + before + "\", \"dryRun\": \"false\"}", TIMEOUT))
                    .hasMessageContaining("{\"errorMessage\":\"invalid re-rate request: 'to' is required")
                    .hasMessageContaining("\"errorType\":\"" + InvalidRerateRequestException.class.getName() + "\"");
        }
    }
}
