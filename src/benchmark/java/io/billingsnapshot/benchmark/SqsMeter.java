package io.billingsnapshot.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/**
 * What the function's SQS traffic costs, read before and after a batch: requests and message
 * bytes sent (an interceptor on the function's SQS client), and the CPU time the embedded SQS
 * server's own threads spent (ElasticMQ runs in the benchmark's JVM; on Lambda that work is SQS's,
 * not the function's).
 */
final class SqsMeter implements ExecutionInterceptor {

    /** A reading of the counters; subtract two to get what happened in between. */
    record Reading(long requests, long bytes, long serverCpuNanos) {

        Reading since(Reading earlier) {
            return new Reading(requests - earlier.requests, bytes - earlier.bytes, serverCpuNanos - earlier.serverCpuNanos);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        requests.incrementAndGet();
        if (context.request() instanceof SendMessageBatchRequest batch) {
            batch.entries().forEach(e -> bytes.addAndGet(e.messageBody().getBytes(StandardCharsets.UTF_8).length));
        }
    }

    Reading read() {
        long cpu = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("elasticmq")) {
                cpu += Math.max(0, THREADS.getThreadCpuTime(thread.getId()));
            }
        }
        return new Reading(requests.get(), bytes.get(), cpu);
    }
}
