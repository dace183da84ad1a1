package io.billingsnapshot.soak;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one kind of fault on its own thread, over and over, a jittered pause apart (half to
 * one and a half times the mean), until {@link #stop()}. A strike in progress always
 * finishes, so a stopped loop leaves nothing broken (a server down, a transaction open).
 */
final class ChaosLoop {

    /** One fault. */
    @FunctionalInterface
    interface Strike {
        void strike() throws Exception;
    }

    private final String name;
    private final Duration meanPause;
    private final Strike strike;
    private final Random random;
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean stopped;
    private volatile Exception lastError;
    private Thread thread;

    ChaosLoop(String name, Duration meanPause, Random random, Strike strike) {
        this.name = name;
        this.meanPause = meanPause;
        this.strike = strike;
        this.random = random;
    }

    ChaosLoop start() {
        thread = new Thread(this::loop, "chaos-" + name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void loop() {
        while (!stopped) {
            long pause = (long) (meanPause.toMillis() * (0.5 + random.nextDouble()));
            try {
                Thread.sleep(pause);
                if (!stopped) {
                    strike.strike();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // A fault that could not be injected this time (the database busy, say) is not a test failure.
                errors.incrementAndGet();
                lastError = e;
            }
        }
    }

    /** Stops after the current strike and waits for it. */
    void stop() throws InterruptedException {
        stopped = true;
        if (thread != null) {
            thread.join();
        }
    }

    String name() {
        return name;
    }

    long errors() {
        return errors.get();
    }

    Exception lastError() {
        return lastError;
    }
}
