package io.billingsnapshot.soak;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    private final CountDownLatch stopped = new CountDownLatch(1);
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
        while (stopped.getCount() > 0) {
            long pause = (long) (meanPause.toMillis() * (0.5 + random.nextDouble()));
            try {
                if (!stopped.await(pause, TimeUnit.MILLISECONDS)) {
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

    /** Stops after the current strike (a pause ends at once) and waits for it. */
    void stop() throws InterruptedException {
        stopped.countDown();
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
