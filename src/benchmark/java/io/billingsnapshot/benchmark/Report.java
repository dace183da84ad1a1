package io.billingsnapshot.benchmark;

import io.billingsnapshot.benchmark.Benchmark.Cell;
import io.billingsnapshot.benchmark.Benchmark.Result;
import io.billingsnapshot.testing.Granularity;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The benchmark's printed table, the targets beside the measured values, and the chart. */
final class Report {

    private static final Duration NONE = Duration.ZERO;
    private final Map<Cell, Result> results;
    private final Map<Cell, Result> raw;
    private final Supplier<Result> poison;
    private final LongSupplier poisonTransactions;
    private String machine;
    private long peakHeapBytes = -1;
    private long maxHeapBytes;
    private int heapFailures;
    private final ColdStart coldStart;

    Report(Map<Cell, Result> results, Map<Cell, Result> raw, Supplier<Result> poison, LongSupplier poisonTransactions,
            ColdStart coldStart) {
        this.results = results;
        this.raw = raw;
        this.poison = poison;
        this.poisonTransactions = poisonTransactions;
        this.coldStart = coldStart;
    }

    private String loadAtStart;

    void machine(String database) {
        loadAtStart = loadAverage();
        machine = String.format(Locale.ROOT, "%s | %d cores | %s | JDK %s (%s) | %s %s | %s | ElasticMQ (embedded)",
                Benchmark.today(), Runtime.getRuntime().availableProcessors(), cpuModel(),
                        System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                        System.getProperty("os.name"), System.getProperty("os.version"), database);
    }

    void heap(String childResult) {
        Matcher m = Pattern.compile("failed=(\\d+) peakBytes=(\\d+) beforeBytes=(\\d+) maxBytes=(\\d+)").matcher(childResult);
        if (m.find()) {
            heapFailures = Integer.parseInt(m.group(1));
            peakHeapBytes = Long.parseLong(m.group(2));
            maxHeapBytes = Long.parseLong(m.group(4));
        }
    }

    void print(Duration took) {
        System.out.println();
        System.out.println("billing-snapshot-lambda benchmark: one write engine, whole batches against sets of one");
        System.out.println(machine);
        System.out.println("Load average (1, 5, 15 min) at start: " + loadAtStart + ", at end: " + loadAverage()
                + " (the machine is shared: other work competes for the cores)");
        System.out.println("Clean batches of new messages; the database behind a counting TCP relay; medians over the batches;"
                + " the granularities' batches interleaved.");
        System.out.println();
        System.out.println("                      one set per batch                           |"
                + "              sets of one                     |   ratio");
        System.out.println("delay  batch |  msgs/s  ms/batch  (publish)  db RT  SQS req  SQS KB |"
                + "  msgs/s   ms/batch  (publish)  db RT  SQS req | whole  db phase");
        System.out.println("-".repeat(131));
        for (Duration delay : List.of(NONE, Benchmark.DELAY)) {
            for (int size : Benchmark.SIZES) {
                Result fast = results.get(new Cell(Granularity.WHOLE_BATCH, delay, size));
                Result slow = results.get(new Cell(Granularity.SETS_OF_ONE, delay, size));
                System.out.printf(Locale.ROOT,
                        "%2d ms %7s | %7s %9s %10s %6s %8.1f %7s | %7s %10s %10s %6s %8.1f | %4.1fx %6.1fx%n",
                        delay.toMillis(), String.format(Locale.ROOT, "%,d", size),
                        String.format(Locale.ROOT, "%,.0f", fast.messagesPerSecond(size)),
                        String.format(Locale.ROOT, "%,.1f", fast.msPerBatch()),
                        String.format(Locale.ROOT, "(%,.1f)", fast.publishMsPerBatch()), roundTrips(fast), fast.sqsCalls(),
                        String.format(Locale.ROOT, "%,.0f", fast.sqsBytes() / 1_024),
                        String.format(Locale.ROOT, "%,.0f%s", slow.messagesPerSecond(size), slow.extrapolated() ? "*" : ""),
                        String.format(Locale.ROOT, "%,.1f", slow.msPerBatch()),
                        String.format(Locale.ROOT, "(%,.1f)", slow.publishMsPerBatch()), roundTrips(slow), slow.sqsCalls(),
                        slow.msPerBatch() / fast.msPerBatch(), slow.dbMsPerBatch() / fast.dbMsPerBatch());
            }
        }
        System.out.printf(Locale.ROOT, "* sets of one at %,d messages with the delay: measured on %,d messages, extrapolated"
                + " linearly (its cost is per message); its round trips are those measured without the delay.%n",
                Benchmark.SIZES[Benchmark.SIZES.length - 1], Benchmark.SAMPLE);
        System.out.println("(publish): of ms/batch, the time in SendMessageBatch calls to the embedded SQS, the same calls"
                + " on both sides; db phase: everything else.");
        System.out.println("SQS req: SendMessageBatch requests per batch (the deltas packed into messages of at most 256 KiB,"
                + " up to 1 MiB a request); SQS KB: the message bodies they carried. The SQS server (ElasticMQ) runs in"
                + " this JVM: its own CPU is part of (publish).");
        System.out.println("db RT: median per batch, counted by the relay; a+ means some batches took more.");
        System.out.println();
        System.out.println("Physical limit: the same rows by one raw multi-row INSERT ... ON CONFLICT and a commit, no other work");
        System.out.println("delay  batch | raw ms  raw RT |  set db phase ms  raw/db |  set whole ms  raw/whole");
        System.out.println("-".repeat(88));
        for (Duration delay : List.of(NONE, Benchmark.DELAY)) {
            for (int size : Benchmark.SIZES) {
                Result limit = raw.get(new Cell(Granularity.WHOLE_BATCH, delay, size));
                Result fast = results.get(new Cell(Granularity.WHOLE_BATCH, delay, size));
                System.out.printf(Locale.ROOT, "%2d ms %7s | %6.1f %7s | %16.1f %6.0f%% | %13.1f %9.0f%%%n",
                        delay.toMillis(), String.format(Locale.ROOT, "%,d", size), limit.msPerBatch(), roundTrips(limit),
                        fast.dbMsPerBatch(), 100 * limit.msPerBatch() / fast.dbMsPerBatch(),
                        fast.msPerBatch(), 100 * limit.msPerBatch() / fast.msPerBatch());
            }
        }
        Result clean = results.get(new Cell(Granularity.WHOLE_BATCH, Benchmark.DELAY, 1_000));
        System.out.printf(Locale.ROOT, "One poison record (a trigger error) in a batch of 1,000, 1 ms each way:"
                + " %,.1f ms against %,.1f ms clean (%.1fx), %d transactions, %d db round trips%n",
                poison.get().msPerBatch(), clean.msPerBatch(), poison.get().msPerBatch() / clean.msPerBatch(),
                poisonTransactions.getAsLong(), poison.get().roundTrips());
        System.out.printf(Locale.ROOT,
                "(10,000 raw rows take %d statements of %,d rows: PostgreSQL binds at most 65,535 parameters.)%n",
                10_000 / RawUpsert.ROWS_PER_STATEMENT, RawUpsert.ROWS_PER_STATEMENT);
        System.out.println();
        String peak = peakHeapBytes < 0 ? "not measured" : String.format(Locale.ROOT,
                "%d MB used at most (sum of the heap pools' peaks), %d records failed", peakHeapBytes >> 20, heapFailures);
        System.out.printf(Locale.ROOT,
                "Peak heap, one 10,000-message batch, fresh JVM, -Xmx512m (%d MB usable), serial GC: %s%n",
                maxHeapBytes >> 20, peak);
        System.out.println();
        coldStart.print();
        System.out.println();
        targets();
        System.out.printf(Locale.ROOT, "%nBenchmark took %d s.%n", took.toSeconds());
    }

    private void targets() {
        List<String> roundTrips = new ArrayList<>();
        boolean constant = true;
        for (Duration delay : List.of(NONE, Benchmark.DELAY)) {
            for (int size : Benchmark.SIZES) {
                long rt = results.get(new Cell(Granularity.WHOLE_BATCH, delay, size)).roundTrips();
                if (delay.isZero()) {
                    roundTrips.add(Long.toString(rt));
                }
                constant &= rt <= 11 && rt == results.get(new Cell(Granularity.WHOLE_BATCH, NONE, 10)).roundTrips();
            }
        }
        double ratioDelay = ratio(Benchmark.DELAY, 1_000);
        double ratioNone = ratio(NONE, 1_000);
        double dbFraction = raw.get(new Cell(Granularity.WHOLE_BATCH, NONE, 1_000)).msPerBatch()
                / results.get(new Cell(Granularity.WHOLE_BATCH, NONE, 1_000)).dbMsPerBatch();
        double poisonRatio = poison.get().msPerBatch() / results.get(new Cell(Granularity.WHOLE_BATCH, Benchmark.DELAY, 1_000)).msPerBatch();
        System.out.println("Targets (reported, not asserted)                 measured");
        System.out.println("-".repeat(88));
        System.out.printf(Locale.ROOT, "%-48s %s (%s at 10/100/1,000/10,000) %s%n",
                "round trips per clean batch constant, <= 11", constant ? "constant" : "NOT constant",
                String.join("/", roundTrips), mark(constant));
        Result set = results.get(new Cell(Granularity.WHOLE_BATCH, Benchmark.DELAY, 1_000));
        System.out.printf(Locale.ROOT, "%-48s %.1f requests, %,.0f KB %s%n", "SQS requests for the deltas <= 2 at 1,000, 1 ms",
                set.sqsCalls(), set.sqsBytes() / 1_024, mark(set.sqsCalls() <= 2));
        System.out.printf(Locale.ROOT, "%-48s %.1fx whole, %.1fx database phase %s%n",
                "one set >= 120x sets of one at 1,000, 1 ms", ratioDelay, dbRatio(Benchmark.DELAY, 1_000),
                mark(ratioDelay >= 120));
        // What the whole ratio could reach if the set's database phase cost no more than the raw
        // INSERT: the publish to the embedded SQS server is the same calls on both sides and stays.
        double rawMs = raw.get(new Cell(Granularity.WHOLE_BATCH, Benchmark.DELAY, 1_000)).msPerBatch();
        System.out.printf(Locale.ROOT, "%-48s %.1fx = sets of one / (raw upsert %.1f ms + publish %.1f ms)%n",
                "  ceiling of the whole ratio on this machine", results.get(new Cell(Granularity.SETS_OF_ONE, Benchmark.DELAY,
                        1_000)).msPerBatch() / (rawMs + set.publishMsPerBatch()), rawMs, set.publishMsPerBatch());
        Result large = results.get(new Cell(Granularity.WHOLE_BATCH, Benchmark.DELAY, 10_000));
        double largeRate = large.messagesPerSecond(10_000);
        double largePublish = large.publishMsPerBatch() / large.msPerBatch();
        System.out.printf(Locale.ROOT, "%-48s %,.0f records/s %s%n", ">= 10,000 records/s at 10,000, 1 ms, one set",
                largeRate, mark(largeRate >= 10_000));
        System.out.printf(Locale.ROOT, "%-48s %.1f%% (%.1f of %.1f ms, %.1f requests) %s%n",
                "publishing <= 10% of the batch at 10,000, 1 ms", 100 * largePublish, large.publishMsPerBatch(),
                large.msPerBatch(), large.sqsCalls(), mark(largePublish <= 0.10));
        // The server's threads serve the calls in parallel on every core, so their CPU can exceed the
        // publish's wall time: then what is left of it cannot be told apart from theirs.
        double rest = large.publishMsPerBatch() - large.sqsServerCpuMs();
        System.out.printf(Locale.ROOT, "%-48s %.1f ms CPU of the embedded SQS server's threads (SQS's side on Lambda);"
                + " the rest: %s%n", "  of which the SQS server's own work", large.sqsServerCpuMs(), rest > 0
                        ? String.format(Locale.ROOT, "%.1f%%", 100 * rest / large.msPerBatch())
                        : "none to tell apart (the server's threads ran in parallel, more CPU than the publish took)");
        System.out.printf(Locale.ROOT, "%-48s %.1fx whole, %.1fx database phase %s%n",
                "one set >= 5x sets of one at 1,000, no delay", ratioNone, dbRatio(NONE, 1_000), mark(ratioNone >= 5));
        System.out.printf(Locale.ROOT, "%-48s %.0f%% %s%n", "set db phase >= 60% of raw upsert at 1,000", 100 * dbFraction,
                mark(dbFraction >= 0.6));
        System.out.printf(Locale.ROOT, "%-48s %.1fx %s%n", "one poison in 1,000 <= 5x a clean batch, 1 ms", poisonRatio,
                mark(poisonRatio <= 5));
        boolean heapOk = peakHeapBytes >= 0 && heapFailures == 0 && maxHeapBytes <= 512L << 20;
        System.out.printf(Locale.ROOT, "%-48s %s %s%n", "10,000-message batch within 512 MB of heap",
                peakHeapBytes < 0 ? "not measured"
                        : String.format(Locale.ROOT, "%d MB peak, completed under -Xmx512m", peakHeapBytes >> 20),
                mark(heapOk));
        coldStart.targets("%-48s %s%n");
    }

    private static String roundTrips(Result result) {
        return result.roundTrips() + (result.maxRoundTrips() > result.roundTrips() ? "+" : "");
    }

    private double dbRatio(Duration delay, int size) {
        return results.get(new Cell(Granularity.SETS_OF_ONE, delay, size)).dbMsPerBatch()
                / results.get(new Cell(Granularity.WHOLE_BATCH, delay, size)).dbMsPerBatch();
    }

    private double ratio(Duration delay, int size) {
        return results.get(new Cell(Granularity.SETS_OF_ONE, delay, size)).msPerBatch()
                / results.get(new Cell(Granularity.WHOLE_BATCH, delay, size)).msPerBatch();
    }

    static String mark(boolean met) {
        return met ? "[met]" : "[NOT met]";
    }

    void chart(java.nio.file.Path file) throws IOException {
        List<Chart.Series> series = new ArrayList<>();
        Color fast = new Color(31, 119, 180);
        Color slow = new Color(214, 39, 40);
        series.add(series("one set, 0 ms", fast, false, Granularity.WHOLE_BATCH, NONE, results));
        series.add(series("sets of one, 0 ms", slow, false, Granularity.SETS_OF_ONE, NONE, results));
        series.add(series("one set, 1 ms each way", fast, true, Granularity.WHOLE_BATCH, Benchmark.DELAY, results));
        series.add(series("sets of one, 1 ms each way", slow, true, Granularity.SETS_OF_ONE, Benchmark.DELAY, results));
        series.add(series("raw upsert limit, 0 ms", Color.GRAY, true, Granularity.WHOLE_BATCH, NONE, raw));
        Chart.write(file, "Throughput against batch size (" + Benchmark.today().substring(0, 10) + ")", series);
    }

    private static Chart.Series series(String label, Color color, boolean dashed, Granularity granularity, Duration delay,
            Map<Cell, Result> from) {
        List<double[]> points = new ArrayList<>();
        for (int size : Benchmark.SIZES) {
            points.add(new double[] {size, from.get(new Cell(granularity, delay, size)).messagesPerSecond(size)});
        }
        return new Chart.Series(label, color, dashed, points);
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ", -1);
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
