package io.billingsnapshot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.testing.TestDatabaseSource.Choice;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TestDatabaseSourceTest {

    private static final Optional<String> SOCKET = Optional.of("/var/run/docker.sock");

    private final AtomicInteger endpointLookedFor = new AtomicInteger();
    private final AtomicInteger dockerAsked = new AtomicInteger();

    @Test
    void usesTheNamedServerWithoutLookingForDocker() {
        Choice choice = TestDatabaseSource.choose(
                Map.of("TEST_DB_URL", "jdbc:postgresql://db.example:5432/postgres"), endpoint(SOCKET), docker(true));

        assertThat(choice).isEqualTo(new Choice(TestDatabaseSource.TEST_DB_URL, "TEST_DB_URL is set"));
        assertThat(endpointLookedFor).hasValue(0);
        assertThat(dockerAsked).hasValue(0);
    }

    @Test
    void startsAContainerWhenNoServerIsNamedAndDockerCanStartItAtItsEndpoint() {
        Choice choice = TestDatabaseSource.choose(Map.of(), endpoint(SOCKET), docker(true));

        assertThat(choice).isEqualTo(new Choice(TestDatabaseSource.TESTCONTAINERS,
                "no TEST_DB_URL; Docker at /var/run/docker.sock: what Docker said"));
        assertThat(dockerAsked).hasValue(1);
    }

    @Test
    void fallsBackToTheEmbeddedServerWithDockersReasonWhenDockerCannotStartTheContainer() {
        Choice choice = TestDatabaseSource.choose(Map.of(), endpoint(SOCKET), docker(false));

        assertThat(choice).isEqualTo(new Choice(TestDatabaseSource.EMBEDDED,
                "no TEST_DB_URL; Docker at /var/run/docker.sock: what Docker said"));
        assertThat(dockerAsked).hasValue(1);
    }

    @Test
    void fallsBackToTheEmbeddedServerWhenTheChosenContainerDoesNotStart() {
        Choice chosen = TestDatabaseSource.choose(Map.of(), endpoint(SOCKET), docker(true));

        Choice instead = TestDatabaseSource.containerFailed(chosen, new IllegalStateException("wait strategy failed"));

        assertThat(instead).isEqualTo(new Choice(TestDatabaseSource.EMBEDDED, "no TEST_DB_URL; Docker at"
                + " /var/run/docker.sock: what Docker said; but the container did not start"
                + " (java.lang.IllegalStateException: wait strategy failed)"));
    }

    @Test
    void usesTheEmbeddedServerWithoutAskingDockerWhenNoEndpointExists() {
        Choice choice = TestDatabaseSource.choose(Map.of(), endpoint(Optional.empty()), docker(true));

        assertThat(choice.source()).isEqualTo(TestDatabaseSource.EMBEDDED);
        assertThat(choice.reason()).isEqualTo(
                "no TEST_DB_URL, no Docker endpoint (DOCKER_HOST, ~/.testcontainers.properties, docker.sock)");
        assertThat(endpointLookedFor).hasValue(1);
        assertThat(dockerAsked).as("Testcontainers' search logs an ERROR when there is no Docker").hasValue(0);
    }

    @Test
    void treatsABlankUrlAsUnset() {
        assertThat(TestDatabaseSource.choose(Map.of("TEST_DB_URL", "  "), endpoint(SOCKET), docker(false)).source())
                .isEqualTo(TestDatabaseSource.EMBEDDED);
        assertThat(dockerAsked).hasValue(1);
    }

    @Test
    void credentialsAloneDoNotNameAServer() {
        assertThat(TestDatabaseSource.choose(Map.of("TEST_DB_USER", "ci", "TEST_DB_PASSWORD", "ci"), endpoint(SOCKET),
                docker(true)).source()).isEqualTo(TestDatabaseSource.TESTCONTAINERS);
    }

    private Supplier<Optional<String>> endpoint(Optional<String> found) {
        return () -> {
            endpointLookedFor.incrementAndGet();
            return found;
        };
    }

    private Supplier<DockerReadiness> docker(boolean ready) {
        return () -> {
            dockerAsked.incrementAndGet();
            return new DockerReadiness(ready, "what Docker said");
        };
    }
}
