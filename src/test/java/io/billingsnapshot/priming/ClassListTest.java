package io.billingsnapshot.priming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The list of classes priming loads is a real run's, of the function's own jar: its entries exist
 * (an entry a dependency no longer has means the list is stale: make it again with
 * {@code ./mvnw -q -DskipTests package exec:exec@class-list}), and none is a test's.
 */
class ClassListTest {

    private static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    @Test
    void everyListedClassOfTheJarExistsAndNoneIsATestsOrTheRuntimeClients() {
        List<String> names = entries();

        // JDK classes differ between JDK versions: priming skips those this JDK lacks.
        List<String> ours = names.stream().filter(name -> JDK_PACKAGES.stream().noneMatch(name::startsWith)).toList();
        assertThat(ours).isNotEmpty().allSatisfy(name -> assertThat(loads(name)).as(name).isTrue());
        assertThat(names).noneMatch(name -> name.startsWith("io.billingsnapshot.testing.")
                || name.startsWith("org.junit.") || name.startsWith("org.elasticmq.")
                || name.startsWith("io.zonky.") || name.startsWith("com.amazonaws.services.lambda.runtime.api.client."));
    }

    @Test
    void theListHoldsWhatOnlyARealBatchLoads() {
        assertThat(entries()).contains(
                "org.postgresql.core.v3.QueryExecutorImpl", // the database protocol, past the connection
                "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient$RequestCallable", // an SQS call sent
                "software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse", // and answered
                "io.billingsnapshot.store.SnapshotRows", // the write step
                "io.billingsnapshot.quota.Outbox");
    }

    @Test
    void loadingTheListSkipsWhatIsMissingAndCountsTheRest() {
        ClassList.Loaded loaded = ClassList.load(ClassListTest.class.getClassLoader());

        assertThat(loaded.loaded()).isGreaterThan(1_000);
        assertThat(loaded.loaded() + loaded.missing()).isEqualTo(entries().size());
    }

    /** The generator keeps the jar's and the JDK modules' classes of a class-load log, named ones only. */
    @Test
    void theGeneratorKeepsTheJarsAndTheJdkModulesClassesOfALog() {
        Path jar = Path.of("/work/target/function.jar");
        List<String> log = List.of(
                "io.billingsnapshot.store.SnapshotRows source: file:/work/target/function.jar",
                "sun.net.www.protocol.http.HttpURLConnection source: jrt:/java.base",
                "java.lang.Object source: shared objects file",
                "org.junit.jupiter.api.Test source: file:/root/.m2/junit-jupiter-api.jar",
                "io.billingsnapshot.Wiring$$Lambda$57/0x0000000800c3c000 source: io.billingsnapshot.Wiring",
                "java.lang.invoke.LambdaForm$MH/0x0000000800c10400 source: __JVM_LookupDefineClass__");

        assertThat(ClassListGenerator.classesOf(log, jar))
                .containsExactly("io.billingsnapshot.store.SnapshotRows", "sun.net.www.protocol.http.HttpURLConnection");
    }

    private static boolean loads(String name) {
        try {
            Class.forName(name, false, ClassListTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static List<String> entries() {
        try (InputStream in = ClassList.class.getResourceAsStream(ClassList.RESOURCE)) {
            assertThat(in).as(ClassList.RESOURCE).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
