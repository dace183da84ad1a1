package io.billingsnapshot.soak;

/**
 * Kills an invocation the way Lambda does at its timeout: nothing after it runs. An
 * {@link Error}, because the handler rightly catches RuntimeException but not Error; the
 * driver fails the whole batch, as Lambda fails a timed-out invocation.
 */
final class SimulatedLambdaTimeout extends Error {

    SimulatedLambdaTimeout(String where) {
        super("invocation cut off " + where, null, false, false);
    }
}
