package io.billingsnapshot.benchmark;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.BillingSnapshotHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What runs in a fresh JVM, as in a new Lambda execution environment: {@code trivial} builds a
 * handler that does nothing and calls it on the batch; {@code handler} builds the function's
 * handler with its public no-arg constructor (from environment variables, as Lambda does) and
 * processes the batch; {@code heap} does the same and reports the heap the batch needed.
 * Prints one result line starting with {@code RESULT}.
 */
public final class ChildJvm {

    /** Lambda's java21 runtime defaults for a small function: client compiler only, serial GC. */
    static final List<String> LAMBDA_LIKE_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto");

    public static void main(String[] args) throws Exception {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (String body : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            records.add(Workload.record(body));
        }
        event.setRecords(records);
        switch (args[0]) {
            case "trivial" -> {
                RequestHandler<SQSEvent, SQSBatchResponse> handler = (e, context) -> new SQSBatchResponse(List.of());
                System.out.println("RESULT failed=" + handler.handleRequest(event, null).getBatchItemFailures().size());
            }
            case "handler" -> {
                SQSBatchResponse response = new BillingSnapshotHandler().handleRequest(event, null);
                System.out.println("RESULT failed=" + response.getBatchItemFailures().size());
            }
            case "heap" -> {
                BillingSnapshotHandler handler = new BillingSnapshotHandler();
                System.gc();
                List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP).toList();
                heap.forEach(MemoryPoolMXBean::resetPeakUsage);
                long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
                SQSBatchResponse response = handler.handleRequest(event, null);
                long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                System.out.println("RESULT failed=" + response.getBatchItemFailures().size() + " peakBytes=" + peak
                        + " beforeBytes=" + before + " maxBytes=" + Runtime.getRuntime().maxMemory());
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0);
    }

    /** The RESULT line of a child and how long it took from launching the JVM to printing it. */
    record Outcome(String result, long nanos) {
    }

    /** Runs a child JVM with the benchmark's class path and the given environment. */
    static Outcome run(String mode, Path bodies, Map<String, String> environment, List<String> jvmFlags)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildJvm.class.getName());
        command.add(mode);
        command.add(bodies.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        String result = null;
        long took = 0;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("RESULT") && result == null) {
                    took = System.nanoTime() - start;
                    result = line;
                } else if (output.size() < 50) {
                    output.add(line);
                }
            }
        }
        if (process.waitFor() != 0 || result == null) {
            throw new IllegalStateException("child JVM " + mode + " failed:\n" + String.join("\n", output));
        }
        return new Outcome(result, took);
    }
}
