package io.billingsnapshot.soak;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one kind of fault on its own thread, once for every invocation that triggered it, in
 * order: the invocation that triggers it carries on meanwhile, so the fault lands while
 * handlers work. A strike that is running when the soak stops finishes (the server back up,
 * the transaction closed) before {@link #stop()} returns; triggers not yet struck are dropped.
 */
final class FaultThread {

    /** One fault, for the invocation that triggered it. */
    @FunctionalInterface
    interface Strike {
        void strike(Invocation trigger) throws Exception;
    }

    private static final Invocation STOP = new Invocation(-1, List.of());

    private final String name;
    private final Strike strike;
    private final BlockingQueue<Invocation> triggers = new LinkedBlockingQueue<>();
    private final AtomicLong errors = new AtomicLong();
    private final Thread thread;

    FaultThread(String name, Strike strike) {
        this.name = name;
        this.strike = strike;
        this.thread = new Thread(this::loop, "chaos-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    void trigger(Invocation invocation) {
        triggers.add(invocation);
    }

    private void loop() {
        try {
            for (Invocation next; (next = triggers.take()) != STOP; ) {
                try {
                    strike.strike(next);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // A fault the database or server refused this time is not a test failure; it is reported.
                    errors.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops the triggers not yet struck and waits for the strike in progress. */
    void stop() throws InterruptedException {
        triggers.clear();
        triggers.add(STOP);
        thread.join();
    }

    String name() {
        return name;
    }

    long errors() {
        return errors.get();
    }
}
