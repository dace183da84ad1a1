package io.billingsnapshot.metrics;

import java.io.PrintStream;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/**
 * The library's Lambda environment, writing to a given stream instead of a hard-wired
 * {@code System.out}. Handing a fixed environment to the MetricsLogger skips the library's
 * environment discovery entirely, so nothing ever probes for an agent socket or EC2/ECS
 * metadata, locally or on Lambda; on Lambda the stream is stdout, which CloudWatch Logs
 * receives and extracts the metrics from.
 */
final class PrintStreamEnvironment implements Environment {

    private final LambdaEnvironment lambda = new LambdaEnvironment();
    private final ISink sink;

    PrintStreamEnvironment(PrintStream out) {
        this.sink = new PrintStreamSink(out);
    }

    @Override
    public boolean probe() {
        return true;
    }

    @Override
    public String getName() {
        return lambda.getName();
    }

    @Override
    public String getType() {
        return lambda.getType();
    }

    @Override
    public String getLogGroupName() {
        return lambda.getLogGroupName();
    }

    /** Adds the function version, log stream and sampled trace id as searchable properties. */
    @Override
    public void configureContext(MetricsContext context) {
        lambda.configureContext(context);
    }

    @Override
    public ISink getSink() {
        return sink;
    }

    /** Like the library's ConsoleSink: one line per serialized EMF document. */
    private static final class PrintStreamSink implements ISink {

        private final PrintStream out;

        PrintStreamSink(PrintStream out) {
            this.out = out;
        }

        @Override
        public void accept(MetricsContext context) {
            try {
                for (String document : context.serialize()) {
                    out.println(document);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("EMF document could not be serialized", e);
            }
        }

        @Override
        public java.util.concurrent.CompletableFuture<Void> shutdown() {
            out.flush();
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }
}
