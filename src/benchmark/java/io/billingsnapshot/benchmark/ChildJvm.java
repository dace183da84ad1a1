package io.billingsnapshot.benchmark;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.billingsnapshot.BillingSnapshotHandler;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What runs in a fresh JVM, as in a new Lambda execution environment. {@code restore} simulates a
 * SnapStart environment (see {@link #restore}); {@code heap} builds the function's handler with
 * its public no-arg constructor (from environment variables, as Lambda does) and reports the heap
 * one batch needed. Prints one result line starting with {@code RESULT}.
 */
public final class ChildJvm {

    /** Lambda's java21 runtime defaults for a small function: client compiler only, serial GC. */
    static final List<String> LAMBDA_LIKE_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-Xshare:auto");
    private static final Pattern CONNECT_MS = Pattern.compile(
            "\"event\":\"" + Pattern.quote(LogEvent.DB_CONNECTION_OPENED) + "\".*?\"ms\":(\\d+)");

    public static void main(String[] args) throws Exception {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (String body : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            records.add(Workload.record(body));
        }
        switch (args[0]) {
            case "restore" -> restore(records, Integer.parseInt(args[2]), ColdStart.Priming.valueOf(args[3]));
            case "heap" -> {
                SQSEvent event = new SQSEvent();
                event.setRecords(records);
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

    /**
     * A SnapStart execution environment, simulated: the handler's init; when primed, what Lambda's
     * runtime client then does for a SnapStart function (every registered CRaC hook before the
     * snapshot, then after the restore, through the runtime client's own CRaC context, on which
     * org.crac is routed by Lambda's JVM flag), with the database out of reach during the hooks
     * for {@link ColdStart.Priming#NO_DATABASE}; then batches of {@code size} records one after the
     * other. The first is the restore's first batch; the median of the others but the last is a warm
     * batch. Without priming the hooks are not called: the snapshot of an init that primed nothing.
     * Primed, the hooks run once more at the end (closing the connection) before the last batch: a
     * warm JVM on a new connection, the floor of a first batch. The function's log lines are kept,
     * to tell how long the first batch took to open its connection.
     */
    private static void restore(List<SQSEvent.SQSMessage> records, int size, ColdStart.Priming priming)
            throws Exception {
        boolean primed = priming.primed();
        // The runtime client's native part, loaded by Lambda before the init: its CRaC context clears the DNS cache through it.
        com.amazonaws.services.lambda.runtime.api.client.runtimeapi.JniHelper.load();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        JsonLog.redirect(new PrintStream(log, true, StandardCharsets.UTF_8), Clock.systemUTC());
        long start = System.nanoTime();
        BillingSnapshotHandler handler = new BillingSnapshotHandler();
        long constructed = System.nanoTime();
        if (primed) {
            ProxySelector direct = ProxySelector.getDefault();
            if (priming == ColdStart.Priming.NO_DATABASE) {
                ProxySelector.setDefault(new RefusedPort(databasePort()));
            }
            com.amazonaws.services.lambda.crac.Core.getGlobalContext().beforeCheckpoint(null);
            ProxySelector.setDefault(direct);
            com.amazonaws.services.lambda.crac.Core.getGlobalContext().afterRestore(null);
        }
        long ready = System.nanoTime();
        String hooksLog = log.toString(StandardCharsets.UTF_8);
        checkPriming(priming, hooksLog);
        List<SQSEvent> batches = new ArrayList<>();
        for (int from = 0; from + size <= records.size(); from += size) {
            SQSEvent batch = new SQSEvent();
            batch.setRecords(records.subList(from, from + size));
            batches.add(batch);
        }
        SQSEvent last = batches.remove(batches.size() - 1); // for the new connection
        double[] nanos = new double[batches.size()];
        int failed = 0;
        for (int b = 0; b < nanos.length; b++) {
            long began = System.nanoTime();
            failed += handler.handleRequest(batches.get(b), null).getBatchItemFailures().size();
            nanos[b] = System.nanoTime() - began;
        }
        // The first batch's connection: priming's, if it connected, was closed before the snapshot.
        Matcher connect = CONNECT_MS.matcher(log.toString(StandardCharsets.UTF_8).substring(hooksLog.length()));
        long reconnected = -1;
        if (primed) {
            // The floor of a first batch: the JVM warm, the connection new (the hook discards it).
            com.amazonaws.services.lambda.crac.Core.getGlobalContext().beforeCheckpoint(null);
            com.amazonaws.services.lambda.crac.Core.getGlobalContext().afterRestore(null);
            long began = System.nanoTime();
            failed += handler.handleRequest(last, null).getBatchItemFailures().size();
            reconnected = System.nanoTime() - began;
        }
        System.out.println("RESULT initNanos=" + (ready - start) + " hooksNanos=" + (ready - constructed)
                + " firstNanos=" + (long) nanos[0] + " connectMs=" + (connect.find() ? connect.group(1) : "-1")
                + " warmNanos=" + (long) Benchmark.median(Arrays.copyOfRange(nanos, 1, nanos.length))
                + " reconnectedNanos=" + reconnected + " failed=" + failed);
    }

    /** The priming measured is the one asked for: its log line says whether it reached the database. */
    private static void checkPriming(ColdStart.Priming priming, String log) {
        if (!priming.primed()) {
            return;
        }
        Matcher primed = Pattern.compile("\"event\":\"" + Pattern.quote(LogEvent.SNAPSTART_PRIMED)
                + "\".*?\"databaseStatements\":(\\d+)").matcher(log);
        if (!primed.find() || Integer.parseInt(primed.group(1)) > 0 != (priming == ColdStart.Priming.DATABASE)) {
            throw new IllegalStateException("priming " + priming + " did not go as asked:\n" + log);
        }
    }

    private static int databasePort() {
        Matcher port = Pattern.compile("//[^/:]+:(\\d+)/").matcher(System.getenv("DB_URL"));
        if (!port.find()) {
            throw new IllegalStateException("no port in DB_URL " + System.getenv("DB_URL"));
        }
        return Integer.parseInt(port.group(1));
    }

    /**
     * A database out of reach, for this JVM only: its sockets to the database's port go through a
     * SOCKS proxy at a port where nothing listens, so each connection is refused at once, as by a
     * database that is down; every other connection goes direct.
     */
    private static final class RefusedPort extends ProxySelector {
        private final int port;
        private final Proxy nowhere;

        RefusedPort(int port) throws IOException {
            this.port = port;
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                nowhere = new Proxy(Proxy.Type.SOCKS, closed.getLocalSocketAddress());
            }
        }

        @Override
        public List<Proxy> select(URI uri) {
            return List.of(uri.getPort() == port ? nowhere : Proxy.NO_PROXY);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {
            // refused, as intended
        }
    }

    /** The RESULT line of a child and how long it took from launching the JVM to printing it. */
    record Outcome(String result, long nanos) {
    }

    /** Runs a child JVM with the benchmark's class path and the given environment. */
    static Outcome run(String mode, Path bodies, Map<String, String> environment, List<String> jvmFlags)
            throws IOException, InterruptedException {
        return run(ProcessHandle.current().info().command().orElse("java"), jvmFlags, environment, mode,
                bodies.toString());
    }

    /** Runs a child JVM of the given {@code java} executable with the benchmark's class path. */
    static Outcome run(String java, List<String> jvmFlags, Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildJvm.class.getName());
        command.addAll(List.of(arguments));
        String mode = arguments[0];
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
