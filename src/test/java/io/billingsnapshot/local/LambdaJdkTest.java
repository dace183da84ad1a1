package io.billingsnapshot.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.local.LambdaJdk.Jdk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LambdaJdkTest {

    private static final Jdk RUNNING_17 = new Jdk(Path.of("/build/jdk-17"), "17.0.15");

    @TempDir
    Path dir;

    @Test
    void theRuntimeIsReadFromTheTemplateAndEveryFunctionMustShareIt() throws IOException {
        assertThat(LambdaJdk.runtimeFeature(Path.of("template.yaml"))).isEqualTo(25);

        Path mixed = Files.writeString(dir.resolve("mixed.yaml"), """
                  Billing:
                    Properties:
                      Runtime: java25
                  Rerate:
                    Properties:
                      Runtime: java21 # an older one
                """);
        assertThatThrownBy(() -> LambdaJdk.runtimeFeature(mixed)).hasMessageContaining("[25, 21]");
    }

    @Test
    void findsTheNewestJdkOfTheRuntimeInTheInstallFolders() throws IOException {
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        jdk(jvms.resolve("java-17-openjdk"), "17.0.15");
        jdk(jvms.resolve("temurin-25.0.9"), "25.0.9");
        Path newest = jdk(jvms.resolve("temurin-25.0.10"), "25.0.10");
        Files.createDirectories(jvms.resolve("not-a-jdk"));

        LambdaJdk choice = LambdaJdk.find(25, new Properties(), Map.of(), RUNNING_17,
                List.of(dir.resolve("missing"), jvms));

        assertThat(choice.jdk()).isEqualTo(new Jdk(newest, "25.0.10"));
        assertThat(choice.matchesRuntime()).isTrue();
        assertThat(choice.describe()).startsWith("JDK 25.0.10 (" + newest + "; found in " + jvms + ")")
                .endsWith("the Java of java25, the runtime template.yaml deploys on");
    }

    @Test
    void aJdkNamedByThePropertyWinsWhateverItsVersionAndTheOutputSaysItIsNotTheRuntimes() throws IOException {
        Path jdk21 = jdk(dir.resolve("jdk-21"), "21.0.8");
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        jdk(jvms.resolve("jdk-25"), "25.0.1");
        Properties properties = new Properties();
        properties.setProperty(LambdaJdk.PROPERTY, jdk21.toString());

        LambdaJdk choice = LambdaJdk.find(25, properties, Map.of(LambdaJdk.VARIABLE, "/elsewhere"), RUNNING_17,
                List.of(jvms));

        assertThat(choice.jdk().home()).isEqualTo(jdk21);
        assertThat(choice.matchesRuntime()).isFalse();
        assertThat(choice.describe()).contains("named by -Dlambda.java.home")
                .contains("NOT the Java of java25").endsWith("at a JDK 25");
    }

    @Test
    void theVariableNamesAJdkWhenThePropertyIsBlankAndJavaHomeComesBeforeTheFolders() throws IOException {
        Path named = jdk(dir.resolve("named"), "25.0.2");
        Path javaHome = jdk(dir.resolve("java-home"), "25.0.1");
        Properties blank = new Properties();
        blank.setProperty(LambdaJdk.PROPERTY, " ");

        assertThat(LambdaJdk.find(25, blank, Map.of(LambdaJdk.VARIABLE, named.toString()), RUNNING_17, List.of())
                .reason()).isEqualTo("named by " + LambdaJdk.VARIABLE);
        assertThat(LambdaJdk.find(25, blank, Map.of("JAVA_HOME", javaHome.toString()), RUNNING_17, List.of(dir))
                .jdk().home()).isEqualTo(javaHome);
    }

    @Test
    void theRunningJdkIsTakenWhenItIsTheRuntimesAndRunsTheFunctionWhenNoneIsFound() {
        Jdk running25 = new Jdk(Path.of("/build/jdk-25"), "25.0.1");
        assertThat(LambdaJdk.find(25, new Properties(), Map.of(), running25, List.of()).reason())
                .isEqualTo("the JDK running the build");

        LambdaJdk fallback = LambdaJdk.find(25, new Properties(), Map.of(), RUNNING_17, List.of(dir));
        assertThat(fallback.jdk()).isEqualTo(RUNNING_17);
        assertThat(fallback.describe()).startsWith("JDK 17.0.15 (/build/jdk-17; no JDK 25 named by")
                .contains("NOT the Java of java25");
    }

    @Test
    void aNamedFolderThatIsNoJdkFailsAtOnce() {
        Properties properties = new Properties();
        properties.setProperty(LambdaJdk.PROPERTY, dir.toString());

        assertThatThrownBy(() -> LambdaJdk.find(25, properties, Map.of(), RUNNING_17, List.of()))
                .hasMessageContaining("-Dlambda.java.home names " + dir + ", which is no JDK");
    }

    @Test
    void versionsCompareNumberByNumber() {
        assertThat(LambdaJdk.compareVersions("25.0.10", "25.0.9")).isPositive();
        assertThat(LambdaJdk.compareVersions("25", "25.0.1")).isNegative();
        assertThat(LambdaJdk.compareVersions("25.0.1", "25.0.1")).isZero();
    }

    /** A folder that looks like a JDK to {@link Jdk#at}: a release file and an executable bin/java. */
    private static Path jdk(Path home, String version) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Files.createFile(home.resolve("bin").resolve("java"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        return home;
    }
}
