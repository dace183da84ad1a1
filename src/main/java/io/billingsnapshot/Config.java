package io.billingsnapshot;

import static io.billingsnapshot.config.EnvVars.DEADLINE_RESERVE_MILLIS;
import static io.billingsnapshot.config.EnvVars.FAST_PATH_MIN_BATCH_SIZE;
import static io.billingsnapshot.config.EnvVars.MAX_BILLED_AT_AGE_DAYS;
import static io.billingsnapshot.config.EnvVars.MAX_FUTURE_SKEW_SECONDS;
import static io.billingsnapshot.config.EnvVars.METRICS_NAMESPACE;
import static io.billingsnapshot.config.EnvVars.OUTBOX_LEASE_SECONDS;
import static io.billingsnapshot.config.EnvVars.OUTBOX_SWEEP_LIMIT;
import static io.billingsnapshot.config.EnvVars.QUOTA_DELTA_MAX_MESSAGE_BYTES;
import static io.billingsnapshot.config.EnvVars.QUOTA_DELTA_QUEUE_URL;
import static io.billingsnapshot.config.EnvVars.SQS_ENDPOINT_URL;
import static io.billingsnapshot.config.EnvVars.WHOLE_BATCH_MIN_SIZE;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.config.Env;
import io.billingsnapshot.db.DatabaseSettings;
import io.billingsnapshot.quota.SqsDeltaPublisher;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The function's configuration, read once per execution environment from the environment
 * and validated at once: a bad value fails the init with a message naming the variable.
 */
public record Config(
        DatabaseSettings database,
        String quotaDeltaQueueUrl,
        int quotaDeltaMaxMessageBytes,
        Optional<URI> sqsEndpoint,
        String metricsNamespace,
        Duration outboxLease,
        int outboxSweepLimit,
        Duration deadlineReserve,
        Duration maxFutureSkew,
        Duration maxBilledAtAge,
        int wholeBatchMinSize) {

    public static final String DEFAULT_METRICS_NAMESPACE = "BillingSnapshot";

    public static Config fromEnvironment(Map<String, String> environment) {
        Env env = new Env(environment);
        return new Config(
                DatabaseSettings.fromEnvironment(env),
                queueUrl(env.required(QUOTA_DELTA_QUEUE_URL), QUOTA_DELTA_QUEUE_URL).toString(),
                // SQS's own limit is 1 MiB; below a kilobyte a message could not hold even one delta.
                env.integer(QUOTA_DELTA_MAX_MESSAGE_BYTES, SqsDeltaPublisher.DEFAULT_MAX_MESSAGE_BYTES, 1_024, 1_048_576),
                Optional.ofNullable(env.optional(SQS_ENDPOINT_URL, null)).map(v -> queueUrl(v, SQS_ENDPOINT_URL)),
                env.optional(METRICS_NAMESPACE, DEFAULT_METRICS_NAMESPACE),
                // Longer than any invocation (Lambda's limit is 15 minutes), so a live invocation's
                // own deltas are never swept from under it.
                env.seconds(OUTBOX_LEASE_SECONDS, Duration.ofMinutes(16), 1, 86_400),
                env.integer(OUTBOX_SWEEP_LIMIT, 1_000, 0, 10_000),
                // Time left for publishing the batch's deltas and answering.
                Duration.ofMillis(env.integer(DEADLINE_RESERVE_MILLIS, 5_000, 0, 600_000)),
                // Clocks of the gateway and the function drift; a day covers any honest drift.
                env.seconds(MAX_FUTURE_SKEW_SECONDS, Duration.ofMinutes(5), 0, 86_400),
                // A month of quota plus a few days of queue backlog or redrive; up to a century for a
                // system that wants no lower bound (billed_at starts at 1970 anyway).
                Duration.ofDays(env.integer(MAX_BILLED_AT_AGE_DAYS, 35, 1, 36_500)),
                // 10,000 is Lambda's largest batch.
                env.integer(env.renamed(WHOLE_BATCH_MIN_SIZE, FAST_PATH_MIN_BATCH_SIZE), 2, 0, 10_000));
    }

    private static URI queueUrl(String value, String variable) {
        try {
            URI uri = URI.create(value);
            if ((!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw notAUrl(variable);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw notAUrl(variable);
        }
    }

    /** A refused URL is not repeated: it could carry credentials. */
    private static ConfigException notAUrl(String variable) {
        return new ConfigException(variable + " must be an http(s) URL");
    }
}
