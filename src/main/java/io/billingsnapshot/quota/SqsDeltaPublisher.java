package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.logging.JsonLog;
import io.billingsnapshot.logging.LogEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Publishes deltas packed into messages of at most {@code maxMessageBytes} of UTF-8 each
 * ({@link DeltaMessage}), the messages sent with {@code SendMessageBatch} within SQS's limits, the
 * calls of one publish running concurrently on a small bounded pool. A batch call can succeed as
 * a whole and still reject entries, so each entry's result is checked: an accepted message
 * confirms every delta it carries; a message SQS refuses as invalid is split in halves and sent
 * again until the refused delta is alone, so one bad delta is set aside, never the ones packed
 * with it. On a FIFO queue the deduplication id is derived from exactly the deltaIds a message
 * carries and the message is its own group (docs/design.md §6).
 *
 * <p>Every call carries its own timeouts, from the time the caller has left: the whole call
 * (the SDK's retries included) ends by then, and one attempt lasts at most
 * {@link #ATTEMPT_TIMEOUT}. So a queue that accepts connections and never answers costs the
 * invocation its SQS time, not its life; the deltas it did not confirm stay in the outbox.
 */
public final class SqsDeltaPublisher implements DeltaPublisher {

    /** The default of {@code QUOTA_DELTA_MAX_MESSAGE_BYTES}: SQS's limit before it became 1 MiB, which every queue accepts. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 262_144;
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

    /** What became of one message. */
    private enum Outcome { ACCEPTED, REFUSED, FAILED }

    private record Sent(DeltaMessage message, Outcome outcome) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final int maxMessageBytes;
    private final ExecutorService calls;

    public SqsDeltaPublisher(SqsClient sqs, String queueUrl) {
        this(sqs, queueUrl, DEFAULT_MAX_MESSAGE_BYTES);
    }

    public SqsDeltaPublisher(SqsClient sqs, String queueUrl, int maxMessageBytes) {
        this(sqs, queueUrl, maxMessageBytes, DEFAULT_CONCURRENCY);
    }

    public SqsDeltaPublisher(SqsClient sqs, String queueUrl, int maxMessageBytes, int concurrency) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        this.maxMessageBytes = maxMessageBytes;
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
        Set<UUID> accepted = new HashSet<>();
        Set<UUID> refused = new HashSet<>();
        for (List<DeltaMessage> round = DeltaMessage.pack(deltas, maxMessageBytes); !round.isEmpty(); ) {
            List<DeltaMessage> narrowed = new ArrayList<>();
            for (Sent sent : send(round, endNanos)) {
                List<UUID> ids = sent.message().deltaIds();
                switch (sent.outcome()) {
                    case ACCEPTED -> accepted.addAll(ids);
                    case REFUSED -> {
                        if (ids.size() == 1) {
                            refused.addAll(ids);
                        } else {
                            narrowed.addAll(sent.message().halves());
                        }
                    }
                    case FAILED -> { } // stays pending: published again later under the same deltaIds
                }
            }
            round = narrowed;
        }
        return new Result(accepted, refused);
    }

    /** Sends the messages, a call per group that fits SQS's limits, the calls concurrently. */
    private List<Sent> send(List<DeltaMessage> messages, long endNanos) {
        List<List<DeltaMessage>> groups = DeltaMessage.calls(messages);
        if (groups.size() == 1) {
            return sendBatch(groups.get(0), endNanos);
        }
        List<Future<List<Sent>>> inFlight = new ArrayList<>(groups.size());
        for (List<DeltaMessage> group : groups) {
            inFlight.add(calls.submit(() -> sendBatch(group, endNanos)));
        }
        List<Sent> sent = new ArrayList<>(messages.size());
        for (int i = 0; i < groups.size(); i++) {
            sent.addAll(await(inFlight.get(i), groups.get(i)));
        }
        return sent;
    }

    /** What one call did; every message failed when the call failed in a way {@link #sendBatch} did not catch, or we were interrupted. */
    private static List<Sent> await(Future<List<Sent>> call, List<DeltaMessage> messages) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            LOG.error(LogEvent.DELTA_PUBLISH_FAILED, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return failed(messages); // still in the outbox: published again later under the same deltaIds
    }

    private List<Sent> sendBatch(List<DeltaMessage> messages, long endNanos) {
        Duration left = Duration.ofNanos(endNanos - System.nanoTime());
        if (left.compareTo(MIN_CALL) < 0) {
            LOG.warn(LogEvent.DELTA_PUBLISH_SKIPPED, "reason", "no_time_left", "deltas", deltaCount(messages));
            return failed(messages);
        }
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(request(messages, left).build());
            List<Sent> sent = new ArrayList<>(messages.size());
            response.successful().forEach(ok -> sent.add(new Sent(messages.get(Integer.parseInt(ok.id())), Outcome.ACCEPTED)));
            for (BatchResultErrorEntry failed : response.failed()) {
                DeltaMessage message = messages.get(Integer.parseInt(failed.id()));
                List<UUID> ids = message.deltaIds();
                // A message of one delta names it; a larger one is narrowed down if SQS refused it.
                LOG.warn(LogEvent.DELTA_PUBLISH_REJECTED, "deltaId", ids.size() == 1 ? ids.get(0) : null, "deltas", ids.size(),
                        "code", failed.code(), "senderFault", failed.senderFault());
                sent.add(new Sent(message, isRefusal(failed) ? Outcome.REFUSED : Outcome.FAILED));
            }
            return sent;
        } catch (SdkException e) {
            LOG.error(LogEvent.DELTA_PUBLISH_FAILED, e, "deltas", deltaCount(messages), "timeLeftMs", left.toMillis());
            return failed(messages);
        }
    }

    private static List<Sent> failed(List<DeltaMessage> messages) {
        return messages.stream().map(m -> new Sent(m, Outcome.FAILED)).toList();
    }

    private static int deltaCount(List<DeltaMessage> messages) {
        return messages.stream().mapToInt(m -> m.deltas().size()).sum();
    }

    /** The call that sends these messages, every attempt of it over within {@code left}. */
    private SendMessageBatchRequest.Builder request(List<DeltaMessage> messages, Duration left) {
        Duration attempt = left.compareTo(ATTEMPT_TIMEOUT) < 0 ? left : ATTEMPT_TIMEOUT;
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            entries.add(entry(Integer.toString(i), messages.get(i)));
        }
        return SendMessageBatchRequest.builder().queueUrl(queueUrl).entries(entries)
                .overrideConfiguration(o -> o.apiCallTimeout(left).apiCallAttemptTimeout(attempt));
    }

    /**
     * For SnapStart priming: the calls {@link #publish} would make for these deltas, packed, built,
     * marshalled and signed by the SQS client, sent and answered, not by SQS: each goes to a
     * loopback endpoint that answers as SQS does ({@link LoopbackSqs}), signed with placeholder
     * credentials, so that no credentials are fetched for it or kept in a snapshot. Nothing reaches
     * SQS; nothing is logged.
     *
     * @return the calls answered
     * @throws SdkException when a call failed (it did not reach SQS either)
     * @throws UncheckedIOException when the loopback endpoint cannot be opened
     */
    public int prime(List<QuotaDelta> deltas) {
        try (LoopbackSqs loopback = LoopbackSqs.start()) {
            for (List<DeltaMessage> call : DeltaMessage.calls(DeltaMessage.pack(deltas, maxMessageBytes))) {
                SendMessageBatchRequest.Builder request = request(call, ATTEMPT_TIMEOUT);
                request.overrideConfiguration(request.overrideConfiguration().toBuilder()
                        .credentialsProvider(LoopbackSqs.CREDENTIALS)
                        .addPlugin(loopback.plugin())
                        .build());
                loopback.accept(call);
                if (sqs.sendMessageBatch(request.build()).successful().size() != call.size()) {
                    throw new IllegalStateException("a priming call was not answered as SQS answers");
                }
            }
            return loopback.answered();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An entry SQS rejected as the sender's fault (its body or attributes are invalid) will be
     * rejected again on every retry, except when the fault is throttling.
     */
    static boolean isRefusal(BatchResultErrorEntry failed) {
        return Boolean.TRUE.equals(failed.senderFault())
                && !failed.code().toLowerCase(java.util.Locale.ROOT).contains("throttl");
    }

    /**
     * On a FIFO queue each message is its own group: deltas commute (a consumer adds them up and
     * dedupes on deltaId), so no order is worth the head-of-line blocking and the per-group
     * throughput limit a shared group would bring (docs/design.md §6).
     */
    private SendMessageBatchRequestEntry entry(String id, DeltaMessage message) {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(message.body());
        if (fifo) {
            String deduplicationId = message.deduplicationId();
            entry.messageGroupId(deduplicationId).messageDeduplicationId(deduplicationId);
        }
        return entry.build();
    }
}
