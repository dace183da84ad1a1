package io.billingsnapshot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TestDatabaseSourceTest {

    private final AtomicInteger dockerAsked = new AtomicInteger();

    @Test
    void usesTheNamedServerWithoutAskingDocker() {
        TestDatabaseSource source = TestDatabaseSource.choose(
                Map.of("TEST_DB_URL", "jdbc:postgresql://db.example:5432/postgres"), docker(true));

        assertThat(source).isEqualTo(TestDatabaseSource.TEST_DB_URL);
        assertThat(dockerAsked).hasValue(0);
    }

    @Test
    void startsAContainerWhenNoServerIsNamedAndDockerAnswers() {
        assertThat(TestDatabaseSource.choose(Map.of(), docker(true))).isEqualTo(TestDatabaseSource.TESTCONTAINERS);
        assertThat(dockerAsked).hasValue(1);
    }

    @Test
    void fallsBackToTheEmbeddedServerWhenDockerDoesNotAnswer() {
        assertThat(TestDatabaseSource.choose(Map.of(), docker(false))).isEqualTo(TestDatabaseSource.EMBEDDED);
    }

    @Test
    void treatsABlankUrlAsUnset() {
        assertThat(TestDatabaseSource.choose(Map.of("TEST_DB_URL", "  "), docker(false)))
                .isEqualTo(TestDatabaseSource.EMBEDDED);
        assertThat(dockerAsked).hasValue(1);
    }

    @Test
    void credentialsAloneDoNotNameAServer() {
        assertThat(TestDatabaseSource.choose(Map.of("TEST_DB_USER", "ci", "TEST_DB_PASSWORD", "ci"), docker(true)))
                .isEqualTo(TestDatabaseSource.TESTCONTAINERS);
    }

    private BooleanSupplier docker(boolean answers) {
        return () -> {
            dockerAsked.incrementAndGet();
            return answers;
        };
    }
}
