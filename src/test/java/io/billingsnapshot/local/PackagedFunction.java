package io.billingsnapshot.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/**
 * The deployment jar run as Lambda's Java runtime runs it, without Docker: a JVM of its own
 * whose class path is the runtime (the AWS Lambda Runtime Interface Client and the libraries
 * it brings), with the jar in the task root's {@code lib/}, so the function's classes come
 * from the runtime's customer class loader as in Lambda. The client loads the handler named in
 * {@code template.yaml} with its no-arg constructor (init), fetches each event from a
 * {@link RuntimeApiEmulator}, deserialises it with Lambda's own serializer, passes a real
 * context whose deadline is the one given, and posts the serialised answer back. The JVM is the
 * JDK of the Lambda runtime the template deploys on where one is installed ({@link LambdaJdk}).
 *
 * <p>The client's native part is built for Linux on x86_64 and arm64 only.
 */
final class PackagedFunction implements AutoCloseable {

    static final String HANDLER = "io.billingsnapshot.BillingSnapshotHandler::handleRequest";
    /**
     * Flags of Lambda's Java runtime for a small function: client compiler only, serial GC, and
     * org.crac's hooks routed to the runtime client's CRaC context (which calls them for SnapStart).
     */
    private static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto", "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
    /**
     * Where the client loads its native library from when set. Unset, every runtime unpacks it to
     * the same {@code /tmp/.libaws-lambda-jni.so}, and a second runtime starting meanwhile
     * rewrites the file under the first one's loader (SIGBUS); each runtime here gets its own copy.
     */
    private static final String NATIVE_LIBRARY_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
    /** How long the test waits beyond the invocation's own deadline before calling it hung. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final RuntimeApiEmulator runtimeApi;
    private final Process process;
    private final Path taskRoot;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    private PackagedFunction(RuntimeApiEmulator runtimeApi, Process process, Path taskRoot) {
        this.runtimeApi = runtimeApi;
        this.process = process;
        this.taskRoot = taskRoot;
        Thread reader = new Thread(this::collectOutput, "function-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the runtime on the jar with the function's environment variables. */
    static PackagedFunction start(Path jar, Map<String, String> functionEnvironment) throws IOException {
        return start(jar, functionEnvironment, HANDLER);
    }

    /** The same for another of the jar's handlers ({@code class::method}, as in template.yaml). */
    static PackagedFunction start(Path jar, Map<String, String> functionEnvironment, String handler)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
        }
        Path taskRoot = Files.createTempDirectory("lambda-task");
        Files.copy(jar, Files.createDirectory(taskRoot.resolve("lib")).resolve(jar.getFileName()));
        List<String> command = new ArrayList<>();
        command.add(LambdaJdk.ofThisBuild().jdk().java().toString());
        command.addAll(LAMBDA_JVM_FLAGS);
        command.add("-D" + NATIVE_LIBRARY_PROPERTY + "=" + copyNativeLibrary(taskRoot));
        command.addAll(List.of("-cp", runtimeClassPath(), AWSLambda.class.getName(), handler));
        RuntimeApiEmulator runtimeApi = RuntimeApiEmulator.start();
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(lambdaEnvironment(runtimeApi.address(), taskRoot, handler));
            builder.environment().putAll(functionEnvironment);
            return new PackagedFunction(runtimeApi, builder.start(), taskRoot);
        } catch (IOException | RuntimeException e) {
            runtimeApi.close();
            throw e;
        }
    }

    private static Path copyNativeLibrary(Path taskRoot) throws IOException {
        String arch = "aarch64".equals(System.getProperty("os.arch")) ? "aarch_64" : "x86_64";
        String name = "libaws-lambda-jni.linux-" + arch + ".so";
        try (var library = AWSLambda.class.getResourceAsStream("/jni/" + name)) {
            if (library == null) {
                throw new IllegalStateException("the runtime interface client has no /jni/" + name);
            }
            Path copy = taskRoot.resolve(name);
            Files.copy(library, copy);
            return copy;
        }
    }

    /**
     * Invokes the function on one event (JSON, as Lambda's event source sends it) with this
     * much time left, and returns its serialised response.
     *
     * @throws IllegalStateException when the function answers with an error, exits or hangs;
     *         the message carries its output
     */
    String invoke(String event, Duration timeLeft) throws InterruptedException {
        CompletableFuture<RuntimeApiEmulator.Reply> reply = runtimeApi.invoke(event, Instant.now().plus(timeLeft));
        try {
            CompletableFuture.anyOf(reply, process.onExit())
                    .get(timeLeft.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw failure("no answer (" + e + ")");
        }
        if (!reply.isDone()) {
            throw failure("the function's JVM exited with " + process.exitValue());
        }
        RuntimeApiEmulator.Reply answer = reply.join();
        if (answer.errorType().isPresent()) {
            throw failure("error " + answer.errorType().get() + ": " + answer.body());
        }
        return answer.body();
    }

    /** The {@code itemIdentifier}s of a serialised {@code SQSBatchResponse}: the records to redeliver. */
    static List<String> failedMessageIds(String response) {
        try {
            List<String> ids = new ArrayList<>();
            new ObjectMapper().readTree(response).path("batchItemFailures")
                    .forEach(failure -> ids.add(failure.path("itemIdentifier").asText()));
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("not a batch response: " + response, e);
        }
    }

    /** What the function printed: its JSON logs and metrics, and the runtime's own lines. */
    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException("packaged function: " + what + "\n--- its output ---\n"
                + String.join("\n", output()));
    }

    /** What Lambda puts in every function's environment, as far as the runtime and the SDK read it. */
    private static Map<String, String> lambdaEnvironment(String runtimeApi, Path taskRoot, String handler) {
        return Map.ofEntries(
                Map.entry("AWS_LAMBDA_RUNTIME_API", runtimeApi),
                Map.entry("_HANDLER", handler),
                Map.entry("LAMBDA_TASK_ROOT", taskRoot.toString()),
                Map.entry("AWS_LAMBDA_FUNCTION_NAME", "billing-snapshot-local"),
                Map.entry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                Map.entry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"),
                Map.entry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/billing-snapshot-local"),
                Map.entry("AWS_LAMBDA_LOG_STREAM_NAME", "local"),
                Map.entry("AWS_REGION", "us-east-1"),
                Map.entry("AWS_DEFAULT_REGION", "us-east-1"),
                Map.entry("AWS_ACCESS_KEY_ID", "local"),
                Map.entry("AWS_SECRET_ACCESS_KEY", "local"),
                Map.entry("AWS_SESSION_TOKEN", "local"),
                Map.entry("TZ", ":UTC"));
    }

    /** The runtime's jars: the client, and the core and serialization libraries it runs with. */
    private static String runtimeClassPath() {
        return Stream.of(AWSLambda.class, Context.class, PojoSerializer.class, SdkInternalThreadLocal.class)
                .map(PackagedFunction::jarOf)
                .distinct()
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void collectOutput() {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output unreadable: " + e + ")");
        }
    }

    @Override
    public void close() {
        process.destroy(); // the runtime waits in next for an event that will not come
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtimeApi.close();
        try (Stream<Path> files = Files.walk(taskRoot)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
