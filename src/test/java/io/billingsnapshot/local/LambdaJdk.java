package io.billingsnapshot.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDK the packaged function runs on in the local run and the packaged-jar tests: the one of
 * the Lambda runtime {@code template.yaml} deploys on ({@code Runtime: java25}: a JDK 25), so the
 * deployment jar is tested on the Java it runs on in AWS. The build itself stays on any JDK 17+.
 *
 * <p>Looked for in this order: a JDK named by {@code -Dlambda.java.home} or {@code LAMBDA_JAVA_HOME}
 * (used whatever its version); the JDK running the build; {@code JAVA_HOME}; the usual install
 * folders. When none is the runtime's version, the JDK running the build runs the function and
 * {@link #describe()} says so.
 */
public record LambdaJdk(Jdk jdk, int runtimeFeature, String reason) {

    public static final String PROPERTY = "lambda.java.home";
    public static final String VARIABLE = "LAMBDA_JAVA_HOME";
    private static final Path TEMPLATE = Path.of("template.yaml");
    private static final Pattern RUNTIME = Pattern.compile("^\\s*Runtime:\\s*java(\\d+)\\s*(#.*)?$", Pattern.MULTILINE);
    private static LambdaJdk ofThisBuild;

    /** A JDK installed at {@code home}, as its {@code release} file describes it. */
    public record Jdk(Path home, String version) {

        /** The feature release: 25 for {@code 25.0.1}. */
        public int feature() {
            return Integer.parseInt(version.split("[.+_-]", 2)[0]);
        }

        public Path java() {
            return home.resolve("bin").resolve("java");
        }

        static Jdk running() {
            return new Jdk(Path.of(System.getProperty("java.home")), System.getProperty("java.version"));
        }

        /** The JDK at {@code home}, if it has a {@code release} file with its version and a {@code bin/java}. */
        static Optional<Jdk> at(Path home) {
            if (!Files.isRegularFile(home.resolve("release"))) {
                return Optional.empty();
            }
            Properties release = new Properties();
            try (InputStream in = Files.newInputStream(home.resolve("release"))) {
                release.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + home.resolve("release"), e);
            }
            String version = release.getProperty("JAVA_VERSION", "").replace("\"", "");
            if (!version.matches("\\d+.*") || !Files.isExecutable(home.resolve("bin").resolve("java"))) {
                return Optional.empty();
            }
            return Optional.of(new Jdk(home, version));
        }
    }

    /** The choice for this build (looked up once per JVM, and printed then). */
    public static synchronized LambdaJdk ofThisBuild() {
        if (ofThisBuild == null) {
            String home = System.getProperty("user.home");
            ofThisBuild = find(runtimeFeature(TEMPLATE), System.getProperties(), System.getenv(), Jdk.running(),
                    List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"), Path.of("/opt"),
                            Path.of(home, ".sdkman", "candidates", "java"), Path.of(home, ".jdks"),
                            Path.of("/Library/Java/JavaVirtualMachines")));
            System.out.println("Packaged function on " + ofThisBuild.describe());
        }
        return ofThisBuild;
    }

    /** The feature release of the Java runtime every function in the template is deployed on. */
    static int runtimeFeature(Path template) {
        List<Integer> features = new ArrayList<>();
        try {
            Matcher runtime = RUNTIME.matcher(Files.readString(template));
            while (runtime.find()) {
                features.add(Integer.parseInt(runtime.group(1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
        List<Integer> distinct = features.stream().distinct().toList();
        if (distinct.size() != 1) {
            throw new IllegalStateException(template + " should deploy every function on one javaNN runtime; found "
                    + (distinct.isEmpty() ? "none" : distinct));
        }
        return distinct.get(0);
    }

    static LambdaJdk find(int runtimeFeature, Properties properties, Map<String, String> environment, Jdk running,
            List<Path> installFolders) {
        for (var named : List.of(Map.entry("-D" + PROPERTY, blankToEmpty(properties.getProperty(PROPERTY))),
                Map.entry(VARIABLE, blankToEmpty(environment.get(VARIABLE))))) {
            if (named.getValue().isPresent()) {
                Path home = Path.of(named.getValue().get());
                Jdk jdk = Jdk.at(home).orElseThrow(() -> new IllegalStateException(
                        named.getKey() + " names " + home + ", which is no JDK (no release file with JAVA_VERSION, or no bin/java)"));
                return new LambdaJdk(jdk, runtimeFeature, "named by " + named.getKey());
            }
        }
        if (running.feature() == runtimeFeature) {
            return new LambdaJdk(running, runtimeFeature, "the JDK running the build");
        }
        Optional<Jdk> javaHome = blankToEmpty(environment.get("JAVA_HOME")).flatMap(home -> Jdk.at(Path.of(home)));
        if (javaHome.isPresent() && javaHome.get().feature() == runtimeFeature) {
            return new LambdaJdk(javaHome.get(), runtimeFeature, "JAVA_HOME");
        }
        for (Path folder : installFolders) {
            Optional<Jdk> installed = installed(folder, runtimeFeature);
            if (installed.isPresent()) {
                return new LambdaJdk(installed.get(), runtimeFeature, "found in " + folder);
            }
        }
        return new LambdaJdk(running, runtimeFeature, "no JDK " + runtimeFeature + " named by -D" + PROPERTY + " or "
                + VARIABLE + ", running the build, in JAVA_HOME or in " + installFolders);
    }

    /** The newest JDK of that feature release among the folder's children (macOS keeps it in Contents/Home). */
    private static Optional<Jdk> installed(Path folder, int feature) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(folder)) {
            return children.flatMap(child -> Stream.of(child, child.resolve("Contents").resolve("Home")))
                    .map(Jdk::at).flatMap(Optional::stream)
                    .filter(jdk -> jdk.feature() == feature)
                    .max(Comparator.comparing(Jdk::version, LambdaJdk::compareVersions)
                            .thenComparing(jdk -> jdk.home().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** Compares {@code 25.0.10} above {@code 25.0.9}: number by number, a missing one as 0. */
    static int compareVersions(String a, String b) {
        String[] left = a.split("\\D+");
        String[] right = b.split("\\D+");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int order = Long.compare(number(left, i), number(right, i));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static long number(String[] parts, int i) {
        return i < parts.length && !parts[i].isEmpty() ? Long.parseLong(parts[i]) : 0;
    }

    private static Optional<String> blankToEmpty(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** Whether the function runs on the Java of the runtime it is deployed on. */
    public boolean matchesRuntime() {
        return jdk.feature() == runtimeFeature;
    }

    /** The line a run prints: which JDK runs the function, and whether it is the deployed runtime's. */
    public String describe() {
        String jdkAt = String.format(Locale.ROOT, "JDK %s (%s; %s)", jdk.version(), jdk.home(), reason);
        return matchesRuntime()
                ? jdkAt + ", the Java of java" + runtimeFeature + ", the runtime template.yaml deploys on"
                : jdkAt + ": NOT the Java of java" + runtimeFeature + ", the runtime template.yaml deploys on;"
                        + " point -D" + PROPERTY + " or " + VARIABLE + " at a JDK " + runtimeFeature;
    }
}
