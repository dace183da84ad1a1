package io.billingsnapshot.metrics;

/**
 * Makes the {@link Metrics} of one invocation. The handler holds one factory per execution
 * environment and calls {@link #newInvocation()} at the start of every invocation, then
 * {@link Metrics#flush()} exactly once at its end.
 */
@FunctionalInterface
public interface MetricsFactory {

    Metrics newInvocation();
}
