package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.JsonLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Publishes deltas with {@code SendMessageBatch}, ten per call (the SQS limit), the calls of
 * one publish running concurrently on a small bounded pool. A batch call can succeed as a
 * whole and still reject entries, so each entry's result is checked. On a FIFO queue the
 * deduplication id is the deltaId and the group is the request, which keeps one request's
 * deltas in order within a call; a batch holds at most one new delta per request.
 *
 * <p>Every call carries its own timeouts, from the time the caller has left: the whole call
 * (the SDK's retries included) ends by then, and one attempt lasts at most
 * {@link #ATTEMPT_TIMEOUT}. So a queue that accepts connections and never answers costs the
 * invocation its SQS time, not its life; the deltas it did not confirm stay in the outbox.
 */
public final class SqsDeltaPublisher implements DeltaPublisher {

    static final int MAX_BATCH = 10;
    /** Calls in flight at once: enough to hide SQS latency, few enough for a small Lambda. */
    public static final int DEFAULT_CONCURRENCY = 8;
    /**
     * Longest single attempt: a SendMessageBatch normally answers in tens of milliseconds, so an
     * attempt silent for this long is stalled and the SDK's retry may reach a healthy host.
     */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    /** Less time than this left: no call is started (it could not complete). */
    static final Duration MIN_CALL = Duration.ofMillis(50);
    private static final JsonLog LOG = JsonLog.get(SqsDeltaPublisher.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final ExecutorService calls;

    public SqsDeltaPublisher(SqsClient sqs, String queueUrl) {
        this(sqs, queueUrl, DEFAULT_CONCURRENCY);
    }

    public SqsDeltaPublisher(SqsClient sqs, String queueUrl, int concurrency) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        // Daemon threads that end when idle: a frozen or discarded environment keeps none alive.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread t = new Thread(task, "delta-publisher-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.calls = pool;
    }

    @Override
    public Result publish(List<QuotaDelta> deltas, Duration timeLeft) {
        long endNanos = System.nanoTime() + timeLeft.toNanos();
        List<List<QuotaDelta>> chunks = new ArrayList<>();
        for (int from = 0; from < deltas.size(); from += MAX_BATCH) {
            chunks.add(deltas.subList(from, Math.min(from + MAX_BATCH, deltas.size())));
        }
        if (chunks.size() <= 1) {
            return chunks.isEmpty() ? Result.acceptedOnly(Set.of()) : sendBatch(chunks.get(0), endNanos);
        }
        List<Future<Result>> sent = new ArrayList<>(chunks.size());
        for (List<QuotaDelta> chunk : chunks) {
            sent.add(calls.submit(() -> sendBatch(chunk, endNanos)));
        }
        Set<UUID> accepted = new HashSet<>();
        Set<UUID> refused = new HashSet<>();
        for (Future<Result> call : sent) {
            Result result = await(call);
            accepted.addAll(result.accepted());
            refused.addAll(result.refused());
        }
        return new Result(accepted, refused);
    }

    /** What one call did; nothing when it failed in a way {@link #sendBatch} did not catch, or we were interrupted. */
    private static Result await(Future<Result> call) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            LOG.error("delta_publish_failed", e.getCause());
            return Result.acceptedOnly(Set.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.acceptedOnly(Set.of()); // still in the outbox: published again later under the same deltaId
        }
    }

    private Result sendBatch(List<QuotaDelta> chunk, long endNanos) {
        Duration left = Duration.ofNanos(endNanos - System.nanoTime());
        if (left.compareTo(MIN_CALL) < 0) {
            LOG.warn("delta_publish_skipped", "reason", "no_time_left", "deltas", chunk.size());
            return Result.acceptedOnly(Set.of());
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(request(chunk, left).build());
            Set<UUID> refused = new HashSet<>();
            for (BatchResultErrorEntry failed : response.failed()) {
                UUID deltaId = chunk.get(Integer.parseInt(failed.id())).deltaId();
                LOG.warn("delta_publish_rejected", "deltaId", deltaId, "code", failed.code(),
                        "senderFault", failed.senderFault());
                if (isRefusal(failed)) {
                    refused.add(deltaId);
                }
            }
            Set<UUID> accepted = new HashSet<>();
            response.successful().forEach(ok -> accepted.add(chunk.get(Integer.parseInt(ok.id())).deltaId()));
            return new Result(accepted, refused);
        } catch (SdkException e) {
            LOG.error("delta_publish_failed", e, "deltas", chunk.size(), "timeLeftMs", left.toMillis());
            return Result.acceptedOnly(Set.of());
        }
    }

    /** The call that sends one chunk, every attempt of it over within {@code left}. */
    private SendMessageBatchRequest.Builder request(List<QuotaDelta> chunk, Duration left) {
        Duration attempt = left.compareTo(ATTEMPT_TIMEOUT) < 0 ? left : ATTEMPT_TIMEOUT;
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            entries.add(entry(Integer.toString(i), chunk.get(i)));
        }
        return SendMessageBatchRequest.builder().queueUrl(queueUrl).entries(entries)
                .overrideConfiguration(o -> o.apiCallTimeout(left).apiCallAttemptTimeout(attempt));
    }

    /**
     * For SnapStart priming: the calls {@link #publish} would make for these deltas, built,
     * marshalled and signed by the SQS client, each stopped before it is transmitted. Signed with
     * placeholder credentials, so that no credentials are fetched for it or kept in a snapshot.
     * Nothing reaches SQS; nothing is logged.
     *
     * @return the calls stopped before transmission, one per chunk of {@value #MAX_BATCH} deltas
     * @throws SdkException when a call failed before it was transmitted (it was not sent either)
     */
    public int prime(List<QuotaDelta> deltas) {
        int stopped = 0;
        for (int from = 0; from < deltas.size(); from += MAX_BATCH) {
            SendMessageBatchRequest.Builder request = request(
                    deltas.subList(from, Math.min(from + MAX_BATCH, deltas.size())), ATTEMPT_TIMEOUT);
            request.overrideConfiguration(request.overrideConfiguration().toBuilder()
                    .credentialsProvider(StopBeforeTransmission.CREDENTIALS)
                    .addPlugin(StopBeforeTransmission.PLUGIN)
                    .build());
            try {
                sqs.sendMessageBatch(request.build());
                throw new IllegalStateException("a priming call was not stopped before transmission");
            } catch (StopBeforeTransmission.Stopped expected) {
                stopped++;
            }
        }
        return stopped;
    }

    /**
     * An entry SQS rejected as the sender's fault (its body or attributes are invalid) will be
     * rejected again on every retry, except when the fault is throttling.
     */
    static boolean isRefusal(BatchResultErrorEntry failed) {
        return Boolean.TRUE.equals(failed.senderFault())
                && !failed.code().toLowerCase(java.util.Locale.ROOT).contains("throttl");
    }

    private SendMessageBatchRequestEntry entry(String id, QuotaDelta delta) {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(DeltaJson.write(delta));
        if (fifo) {
            entry.messageGroupId(delta.requestLogId().toString())
                    .messageDeduplicationId(delta.deltaId().toString());
        }
        return entry.build();
    }
}
