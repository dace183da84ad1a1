package io.billingsnapshot.benchmark;

import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.testing.TestDatabase;
import io.billingsnapshot.testing.TestSqs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first batch of a SnapStart execution environment, with and without priming: for each JDK
 * and batch size, fresh JVMs with Lambda's JVM flags build the handler as Lambda does (its public
 * no-arg constructor, from environment variables), then, primed, run the CRaC hooks as Lambda's
 * runtime client does around the snapshot, and process batches one after the other. The
 * unprimed side skips the hooks: the snapshot of an init without priming. Priming runs twice
 * over: with the database reachable during the hooks (as on Lambda, whose init runs in the
 * function's VPC), and with it out of reach (its connection refused), where only the code that
 * needs no server is primed. Three figures per JVM: init (construction to ready, the hooks
 * included), the first batch, a warm batch (the median of the later ones); primed JVMs add a
 * batch on a new connection, the floor of a first batch. Each cell is the median of
 * {@link #RUNS} JVMs, the three kinds interleaved.
 *
 * <p>Run by the benchmark, or alone: {@code ./mvnw -q test-compile exec:exec@benchmark-coldstart}.
 */
final class ColdStart {

    static final int[] SIZES = {10, 100};
    static final int RUNS = 5;
    /** Batches after the first, whose median is the warm batch. */
    static final int WARM_BATCHES = 10;
    /** Request logs one measurement uses, per JDK. */
    static final int REQUEST_LOGS = RUNS * Priming.values().length * (2 + WARM_BATCHES) * (SIZES[0] + SIZES[1]);
    /** Where these machines keep the JDK of the java25 runtime; -Dbenchmark.jdk25=<java home> elsewhere. */
    private static final String JDK25 = System.getProperty("benchmark.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64");

    /**
     * What Lambda's Java runtime passes to the JVM (its command line: serial GC, class data sharing,
     * 85 % of the memory as heap, here of the function's 1024 MB, and org.crac routed to the runtime
     * client's CRaC context), and the JIT: the java17 and java21 runtimes stop at the client
     * compiler; java25 does too, except with SnapStart or provisioned concurrency, where it keeps the
     * JVM's default tiered compilation (the compilation then happens before the snapshot).
     */
    private static final List<String> LAMBDA_FLAGS = List.of("-XX:+UseSerialGC", "-Xshare:auto",
            "-XX:MaxHeapSize=870m", "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
    private static final List<String> CLIENT_COMPILER = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");

    /** A JVM the children run on. */
    record Jvm(String label, String java, List<String> flags) {
    }

    /** What ran before the snapshot: nothing, priming with the database out of reach, or priming with it. */
    enum Priming {
        NONE("none"), NO_DATABASE("no db"), DATABASE("with db");

        final String label;

        Priming(String label) {
            this.label = label;
        }

        boolean primed() {
            return this != NONE;
        }
    }

    /** One cell: a JVM, a batch size, its priming. */
    record Cell(String jvm, int size, Priming priming) {
    }

    /**
     * Medians over the runs of one cell, in milliseconds: init (construction to ready), of it the
     * CRaC hooks (priming); the first batch, of it opening the database connection; a warm batch;
     * a batch of the warm JVM on a new connection (primed runs only); and the most records any run
     * reported failed.
     */
    record Figures(double initMs, double hooksMs, double firstMs, double connectMs, double warmMs, double reconnectedMs,
            int failed) {

        double firstOverWarm() {
            return firstMs / warmMs;
        }
    }

    private final Map<Cell, Figures> figures = new LinkedHashMap<>();
    private final List<Jvm> jvms = new ArrayList<>();
    private String missing;

    ColdStart() {
        jvms.add(new Jvm("JDK " + Runtime.version().feature() + ", java21 runtime's JIT (client compiler only)",
                ProcessHandle.current().info().command().orElse("java"), flags(CLIENT_COMPILER)));
        Path java25 = Path.of(JDK25, "bin", "java");
        if (Files.isExecutable(java25)) {
            jvms.add(new Jvm("JDK 25, java25 runtime with SnapStart (default tiered compilation)", java25.toString(),
                    flags(List.of())));
        } else {
            missing = "JDK 25 not measured: no " + java25 + " (-Dbenchmark.jdk25=<java home>)";
        }
    }

    private static List<String> flags(List<String> jit) {
        List<String> flags = new ArrayList<>(jit);
        flags.addAll(LAMBDA_FLAGS);
        return flags;
    }

    int requestLogs() {
        return REQUEST_LOGS * jvms.size();
    }

    void measure(Workload workload, Map<String, String> functionEnvironment) throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(functionEnvironment);
        environment.put("LOG_LEVEL", "INFO"); // as deployed; the child keeps the lines to itself
        for (Jvm jvm : jvms) {
            System.out.println("Measuring the first batch after a SnapStart restore, " + jvm.label() + " ...");
            for (int size : SIZES) {
                Map<Priming, List<double[]>> runs = new EnumMap<>(Priming.class);
                for (int run = 0; run < RUNS; run++) {
                    for (Priming priming : Priming.values()) {
                        Path bodies = Files.createTempFile("benchmark-restore", ".txt");
                        Files.write(bodies, workload.nextBodies((2 + WARM_BATCHES) * size), StandardCharsets.UTF_8);
                        String result = ChildJvm.run(jvm.java(), jvm.flags(), environment, "restore",
                                bodies.toString(), Integer.toString(size), priming.name()).result();
                        Files.delete(bodies);
                        runs.computeIfAbsent(priming, p -> new ArrayList<>()).add(parse(result));
                    }
                }
                for (Priming priming : Priming.values()) {
                    Figures cell = median(runs.get(priming));
                    figures.put(new Cell(jvm.label(), size, priming), cell);
                    System.out.printf(Locale.ROOT, "  %3d records, priming %-7s init %,6.0f ms, first batch %,7.1f ms, warm %,6.1f ms%n",
                            size, priming.label, cell.initMs(), cell.firstMs(), cell.warmMs());
                }
            }
        }
    }

    private static double[] parse(String result) {
        Matcher m = Pattern.compile("initNanos=(\\d+) hooksNanos=(\\d+) firstNanos=(\\d+) connectMs=(-?\\d+)"
                + " warmNanos=(\\d+) reconnectedNanos=(-?\\d+) failed=(\\d+)").matcher(result);
        if (!m.find()) {
            throw new IllegalStateException("unexpected child result: " + result);
        }
        return new double[] {Long.parseLong(m.group(1)) / 1e6, Long.parseLong(m.group(2)) / 1e6,
            Long.parseLong(m.group(3)) / 1e6, Long.parseLong(m.group(4)), Long.parseLong(m.group(5)) / 1e6,
            Long.parseLong(m.group(6)) / 1e6, Integer.parseInt(m.group(7))};
    }

    private static Figures median(List<double[]> runs) {
        double[] medians = new double[7];
        for (int c = 0; c < medians.length; c++) {
            int column = c;
            double[] values = runs.stream().mapToDouble(run -> run[column]).toArray();
            medians[c] = c == 6 ? Arrays.stream(values).max().orElse(0) : Benchmark.median(values);
        }
        return new Figures(medians[0], medians[1], medians[2], medians[3], medians[4], medians[5], (int) medians[6]);
    }

    void print() {
        System.out.printf(Locale.ROOT, "First batch of a SnapStart execution environment, with and without priming: a fresh"
                + " JVM per run, medians of %d runs; warm = median of the %d batches after the first%n", RUNS, WARM_BATCHES);
        System.out.println("Lambda's JVM flags: " + String.join(" ", LAMBDA_FLAGS) + " (+ " + String.join(" ", CLIENT_COMPILER)
                + " where the runtime stops at the client compiler)");
        for (Jvm jvm : jvms) {
            System.out.println(jvm.label());
            System.out.println("  batch  priming  |  init ms  (hooks)  first batch ms  (connect)  warm batch ms  first/warm"
                    + "  new connection ms  failed");
            for (int size : SIZES) {
                for (Priming priming : Priming.values()) {
                    Figures f = figures.get(new Cell(jvm.label(), size, priming));
                    boolean primed = priming.primed();
                    System.out.printf(Locale.ROOT, "  %5d  %-7s  |  %,7.0f  %7s  %,14.1f  %9s  %,13.1f  %9.1fx  %17s  %6d%n",
                            size, priming.label, f.initMs(),
                            primed ? String.format(Locale.ROOT, "(%,.0f)", f.hooksMs()) : "", f.firstMs(),
                            String.format(Locale.ROOT, "(%.0f)", f.connectMs()), f.warmMs(), f.firstOverWarm(),
                            primed ? String.format(Locale.ROOT, "%,.1f (%.1fx)", f.reconnectedMs(), f.reconnectedMs() / f.warmMs())
                                    : "", f.failed());
                }
            }
        }
        System.out.println("priming: none; no db, the database out of reach during the hooks; with db, reachable (as on"
                + " Lambda, whose init runs in the function's VPC)");
        System.out.println("init: the handler's construction to ready, the SnapStart hooks (priming) included; connect: of the first"
                + " batch, opening the database connection, which no snapshot can hold; new connection: a batch of the warm"
                + " JVM after the hook closed its connection, the floor of any first batch");
        if (missing != null) {
            System.out.println(missing);
        }
    }

    /** The targets of priming, per JDK and batch size. */
    void targets(String format) {
        for (Jvm jvm : jvms) {
            String jdk = jvm.label().substring(0, jvm.label().indexOf(','));
            for (int size : SIZES) {
                Figures primed = figures.get(new Cell(jvm.label(), size, Priming.DATABASE));
                Figures offline = figures.get(new Cell(jvm.label(), size, Priming.NO_DATABASE));
                Figures unprimed = figures.get(new Cell(jvm.label(), size, Priming.NONE));
                System.out.printf(Locale.ROOT, format, "first primed batch <= 2x warm, " + jdk + ", " + size,
                        String.format(Locale.ROOT, "%.1fx (%.1fx without the database, %.1fx unprimed)",
                                primed.firstOverWarm(), offline.firstOverWarm(), unprimed.firstOverWarm())
                                + " " + Report.mark(primed.firstOverWarm() <= 2));
                // What priming adds to the init is the hooks' time: the construction is the same code on both sides.
                System.out.printf(Locale.ROOT, format, "priming adds <= 1 s to init, " + jdk + ", " + size,
                        String.format(Locale.ROOT, "%+,.0f ms (init %,.0f ms against %,.0f)", primed.hooksMs(),
                                primed.initMs(), unprimed.initMs()) + " " + Report.mark(primed.hooksMs() <= 1_000));
            }
        }
    }

    /** The cold-start figures alone, on a small workload of their own. */
    public static void main(String[] args) throws Exception {
        JsonLog.setThreshold(JsonLog.Level.ERROR);
        ColdStart coldStart = new ColdStart();
        System.out.println("Starting PostgreSQL and embedded SQS, seeding " + coldStart.requestLogs() + " request logs ...");
        TestDatabase.Db db = TestDatabase.server().createDatabase();
        Workload workload = Workload.seed(db, coldStart.requestLogs());
        try (TestSqs sqs = TestSqs.start()) {
            coldStart.measure(workload, Benchmark.childEnvironment(db, sqs, sqs.createQueue("quota-deltas")));
        }
        System.out.println();
        coldStart.print();
        System.out.println();
        coldStart.targets("%-48s %s%n");
        System.exit(0); // embedded servers keep non-daemon threads
    }
}
