package io.billingsnapshot.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The extension as the build registers it (junit-platform.properties and META-INF/services,
 * read here as in every run), on small test classes run by the JUnit engine inside this test.
 */
class TearDownAfterFailedSetupTest {

    @Test
    void aFailedSetupIsReportedWithoutTheNullPointerExceptionOfItsTearDown() {
        Throwable failure = onlyFailure(FailingBeforeEach.class);

        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("cannot start the server");
        assertThat(failure.getSuppressed()).isEmpty();
    }

    @Test
    void aFailedClassSetupIsReportedWithoutTheNullPointerExceptionOfItsClassTearDown() {
        Throwable failure = onlyFailure(FailingBeforeAll.class);

        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("cannot start the server");
        assertThat(failure.getSuppressed()).isEmpty();
    }

    @Test
    void aTearDownsNullPointerExceptionAfterASuccessfulSetupStillFailsTheTest() {
        assertThat(onlyFailure(FailingAfterEach.class)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aTearDownsOtherExceptionAfterAFailedSetupIsStillReported() {
        Throwable failure = onlyFailure(FailingBeforeEachAndAfterEach.class);

        assertThat(failure).hasMessage("cannot start the server");
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(IllegalArgumentException.class);
    }

    private static Throwable onlyFailure(Class<?> testClass) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(true)
                .selectors(selectClass(testClass)).execute().allEvents().failed().list();
        assertThat(failed).hasSize(1);
        return failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    /** Test classes run only by the tests above (nested classes are not picked up by the build). */
    static class FailingBeforeEach {
        private StringBuilder resource;

        @BeforeEach
        void setUp() {
            throw new IllegalStateException("cannot start the server");
        }

        @Test
        void test() {
            resource.append("never runs");
        }

        @AfterEach
        void tearDown() {
            resource.setLength(0);
        }
    }

    static class FailingBeforeAll {
        private static StringBuilder resource;

        @BeforeAll
        static void setUp() {
            throw new IllegalStateException("cannot start the server");
        }

        @Test
        void test() {
            resource.append("never runs");
        }

        @AfterAll
        static void tearDown() {
            resource.setLength(0);
        }
    }

    static class FailingAfterEach {
        private StringBuilder resource;

        @Test
        void test() {
            assertThat(resource).isNull();
        }

        @AfterEach
        void tearDown() {
            resource.setLength(0);
        }
    }

    static class FailingBeforeEachAndAfterEach {
        @BeforeEach
        void setUp() {
            throw new IllegalStateException("cannot start the server");
        }

        @Test
        void test() {
        }

        @AfterEach
        void tearDown() {
            throw new IllegalArgumentException("a tearDown's own bug");
        }
    }
}
