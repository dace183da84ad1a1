package io.billingsnapshot.priming;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.testing.FunctionEnvironment;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes the list of classes SnapStart priming loads ({@link ClassList}): runs the deployment jar in
 * a JVM of its own, as Lambda builds the function (its no-arg constructor, from environment
 * variables), on every file of {@code events/} and an outbox sweep, against PostgreSQL with the
 * demo rows and embedded SQS, with {@code -Xlog:class+load}; and keeps the classes that came from
 * the jar or from the JDK's modules (not those of the JDK's shared archive, which load cheaply),
 * sorted. The tests' and the runtime client's classes are not the function's and are left out.
 * It runs on the JDK of the build and, where it is installed, on JDK 25 (java25's runtime): their
 * internal classes differ, and the list holds both.
 *
 * <p>{@code ./mvnw -q -DskipTests package exec:exec@class-list}, after a change of dependencies
 * (ClassListTest fails when an entry has disappeared).
 */
public final class ClassListGenerator {

    private static final String RUN = "--run";
    /** One class loaded, as -Xlog:class+load writes it without decorations. */
    private static final Pattern LOADED = Pattern.compile("^(\\S+) source: (.+)$");

    private ClassListGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals(RUN)) {
            run(List.of(args).subList(1, args.length));
            System.exit(0);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path list = Path.of(args[1]);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
        }
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        db.execute(TestDatabase.resource("/local/demo-seed.sql"));
        SortedSet<String> classes = new TreeSet<>();
        try (TestSqs sqs = TestSqs.start()) {
            Map<String, String> env = FunctionEnvironment.local(db, sqs, sqs.createQueue("quota-deltas"));
            env.put("AWS_REGION", "us-east-1");
            env.put("AWS_ACCESS_KEY_ID", "class-list");
            env.put("AWS_SECRET_ACCESS_KEY", "class-list");
            for (String java : javas()) {
                classes.addAll(classesLoadedBy(java, jar, env));
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("# The classes a run of the function loads from its jar and from the JDK's modules, on "
                + String.join(" and ", javas().stream().map(ClassListGenerator::jdkOf).toList()) + ". SnapStart priming");
        lines.add("# loads them before the snapshot. Made by ./mvnw -q -DskipTests package exec:exec@class-list");
        lines.addAll(classes);
        Files.write(list, lines, StandardCharsets.UTF_8);
        System.out.println(classes.size() + " classes written to " + list);
        System.exit(0); // embedded servers keep non-daemon threads
    }

    /**
     * The JDK of the build, and the JDK of Lambda's java25 runtime where it is installed (its
     * JDK-internal classes differ): -Dclass-list.jdk25=<java home>, by default where these machines
     * keep Temurin 25.
     */
    private static List<String> javas() {
        List<String> javas = new ArrayList<>(List.of(currentJava()));
        Path java25 = Path.of(System.getProperty("class-list.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
        if (Files.isExecutable(java25) && Runtime.version().feature() != 25) {
            javas.add(java25.toString());
        }
        return javas;
    }

    private static String currentJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String jdkOf(String java) {
        return java.equals(currentJava()) ? "JDK " + Runtime.version().feature() : "JDK 25";
    }

    /** Runs the function in a JVM of {@code java} on the files of events/, and reads its class-load log. */
    private static SortedSet<String> classesLoadedBy(String java, Path jar, Map<String, String> env)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("class-load", ".log");
        List<String> command = new ArrayList<>(List.of(java,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:class+load=info:file=" + log + ":none",
                // the jar first: the function's classes and dependencies load from it
                "-cp", jar + File.pathSeparator + System.getProperty("java.class.path"),
                ClassListGenerator.class.getName(), RUN));
        try (Stream<Path> events = Files.list(Path.of("events"))) {
            events.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> command.add(f.toString()));
        }
        ProcessBuilder child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        child.environment().clear();
        child.environment().putAll(env);
        int exit = child.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("the function's JVM (" + java + ") exited with " + exit);
        }
        SortedSet<String> classes = classesOf(Files.readAllLines(log, StandardCharsets.UTF_8), jar);
        Files.delete(log);
        return classes;
    }

    /** In the function's JVM: the handler as Lambda builds it, on each event file, then a sweep. */
    private static void run(List<String> eventFiles) {
        BillingSnapshotHandler handler = new BillingSnapshotHandler();
        for (String file : eventFiles) {
            handler.handleRequest(EventLoader.loadSQSEvent(file), null);
        }
        handler.handleRequest(new SQSEvent(), null);
    }

    /** The named classes of the log loaded from the jar or from the JDK's modules (jrt:), hidden classes aside. */
    static SortedSet<String> classesOf(List<String> log, Path jar) {
        String fromJar = "file:" + jar;
        TreeSet<String> classes = new TreeSet<>();
        for (String line : log) {
            Matcher m = LOADED.matcher(line);
            if (m.matches() && !m.group(1).contains("/") && !m.group(1).contains("$$Lambda")
                    && (m.group(2).equals(fromJar) || m.group(2).startsWith("jrt:/"))) {
                classes.add(m.group(1));
            }
        }
        return classes;
    }
}
