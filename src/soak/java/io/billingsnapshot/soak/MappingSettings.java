package io.billingsnapshot.soak;

import java.time.Duration;

/**
 * How the simulated event source mapping polls and invokes.
 *
 * @param pollers                  concurrent pollers, each with its own handler instance (like
 *                                 concurrent execution environments)
 * @param batchSize                records per invocation, 1..10 (one ReceiveMessage call)
 * @param visibilityTimeoutSeconds how long a received batch stays hidden while it is handled
 * @param retryDelaySeconds        visibility given to failed records after the invocation, so
 *                                 they come back quickly (Lambda itself waits for the timeout)
 * @param invocationTimeout        the function timeout: the context's remaining time counts down
 *                                 from it, and an invocation that runs past it fails its batch
 * @param timeBudget               the driver stops polling when this has elapsed
 * @param region                   the event records' {@code awsRegion}
 */
public record MappingSettings(
        int pollers,
        int batchSize,
        int visibilityTimeoutSeconds,
        int retryDelaySeconds,
        Duration invocationTimeout,
        Duration timeBudget,
        String region) {

    public MappingSettings {
        require(pollers >= 1, "pollers must be at least 1");
        require(batchSize >= 1 && batchSize <= 10, "batchSize must be 1..10 (one ReceiveMessage call)");
        require(visibilityTimeoutSeconds >= 1, "visibilityTimeoutSeconds must be at least 1");
        require(retryDelaySeconds >= 0, "retryDelaySeconds must not be negative");
        require(!invocationTimeout.isNegative() && !invocationTimeout.isZero(), "invocationTimeout must be positive");
        require(!timeBudget.isNegative() && !timeBudget.isZero(), "timeBudget must be positive");
    }

    /** Two pollers, batches of 10, 30 s visibility, failures back at once, 30 s timeout, 60 s budget. */
    public static MappingSettings defaults() {
        return new MappingSettings(2, 10, 30, 0, Duration.ofSeconds(30), Duration.ofSeconds(60), "us-east-1");
    }

    public MappingSettings withPollers(int value) {
        return new MappingSettings(value, batchSize, visibilityTimeoutSeconds, retryDelaySeconds,
                invocationTimeout, timeBudget, region);
    }

    public MappingSettings withBatchSize(int value) {
        return new MappingSettings(pollers, value, visibilityTimeoutSeconds, retryDelaySeconds,
                invocationTimeout, timeBudget, region);
    }

    public MappingSettings withVisibilityTimeoutSeconds(int value) {
        return new MappingSettings(pollers, batchSize, value, retryDelaySeconds,
                invocationTimeout, timeBudget, region);
    }

    public MappingSettings withRetryDelaySeconds(int value) {
        return new MappingSettings(pollers, batchSize, visibilityTimeoutSeconds, value,
                invocationTimeout, timeBudget, region);
    }

    public MappingSettings withInvocationTimeout(Duration value) {
        return new MappingSettings(pollers, batchSize, visibilityTimeoutSeconds, retryDelaySeconds,
                value, timeBudget, region);
    }

    public MappingSettings withTimeBudget(Duration value) {
        return new MappingSettings(pollers, batchSize, visibilityTimeoutSeconds, retryDelaySeconds,
                invocationTimeout, value, region);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
