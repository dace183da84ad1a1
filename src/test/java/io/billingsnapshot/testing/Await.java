package io.billingsnapshot.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits for a condition itself, never for a guessed time: polls it until it holds, bounded
 * by a limit so generous that only a hang reaches it. A test that waits this way passes on a
 * fast and on a slow machine alike and fails loudly, naming the condition, when it hangs.
 */
public final class Await {

    /** Far beyond anything a working test needs, even on a loaded 2-core machine. */
    public static final Duration HANG_LIMIT = Duration.ofSeconds(60);

    private static final long POLL_MILLIS = 5;

    private Await() {
    }

    /** Polls until {@code condition} holds; an {@link AssertionError} naming it after {@link #HANG_LIMIT}. */
    public static void until(String condition, Callable<Boolean> check) throws Exception {
        if (!holdsWithin(HANG_LIMIT, check)) {
            throw new AssertionError("still not true after " + HANG_LIMIT.toSeconds() + " s: " + condition);
        }
    }

    /** Polls until {@code check} holds or {@code limit} has passed; whether it held. */
    public static boolean holdsWithin(Duration limit, Callable<Boolean> check) throws Exception {
        long giveUp = System.nanoTime() + limit.toNanos();
        while (!check.call()) {
            if (System.nanoTime() - giveUp > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }
}
