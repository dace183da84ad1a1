package io.billingsnapshot.soak;

import io.billingsnapshot.testing.Await;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The gateway deleting API keys and upstreams while their requests are being billed. A
 * strike, just before an invocation starts, deletes the key or the upstream of a request in
 * its batch that has no snapshot yet, in a transaction left open. The handler reads the
 * request log as it was, and its snapshot insert's foreign-key check then waits on the
 * deleting transaction; once {@code pg_stat_activity} shows a backend waiting on it, the
 * delete commits and the handler gets the real 23503, exactly as in production. The race is
 * made to happen, not hoped for. At most {@code deletableShare} of the keys and of the
 * upstreams go, so that enough of them remain for the conservation check. A strike that finds
 * nothing to delete in its batch stays due for the next invocation.
 */
final class ReferenceDeleter implements AutoCloseable {

    private static final String DELETE_API_KEY = "DELETE FROM api_keys WHERE id = ?";
    private static final String DELETE_UPSTREAM = "DELETE FROM upstreams WHERE id = ?";
    private static final String SNAPSHOTTED = "SELECT 1 FROM request_billing_snapshots WHERE request_log_id = ?";
    private static final String WAITING_ON = "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))";

    private final TestDatabase.Db db;
    private final Map<UUID, ChaosWorkload.Request> requests;
    private final int maxKeys;
    private final int maxUpstreams;
    private final Random random;
    private final Duration hangLimit;
    private final BooleanSupplier stopping;
    private final ExecutorService committer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "chaos-delete-references");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<UUID> deletedKeys = ConcurrentHashMap.newKeySet();
    private final Set<UUID> deletedUpstreams = ConcurrentHashMap.newKeySet();
    private final AtomicLong handlersCaught = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private int due;
    private boolean open;
    private Connection deleting;
    private Connection watching;
    private int deletingPid;

    ReferenceDeleter(TestDatabase.Db db, ChaosWorkload workload, ChaosSettings settings, Random random,
            BooleanSupplier stopping) {
        this.db = db;
        this.requests = workload.requests();
        this.maxKeys = (int) (workload.apiKeys().size() * settings.deletableShare());
        this.maxUpstreams = (int) (workload.upstreamInputMultipliers().size() * settings.deletableShare());
        this.random = random;
        this.hangLimit = settings.hangLimit();
        this.stopping = stopping;
    }

    /** One more deletion is due; it happens at this or a later invocation that has something to delete. */
    synchronized void schedule() {
        due++;
    }

    /** Called just before {@code invocation} runs: deletes a reference of its batch when one is due. */
    synchronized void beforeInvocation(Invocation invocation) {
        if (due == 0 || open || (deletedKeys.size() >= maxKeys && deletedUpstreams.size() >= maxUpstreams)) {
            return;
        }
        try {
            List<UUID> batch = new ArrayList<>(invocation.requests());
            Collections.shuffle(batch, random);
            for (UUID requestLogId : batch) {
                if (deleteAReferenceOf(requests.get(requestLogId))) {
                    due--;
                    open = true;
                    committer.execute(() -> commitOnceAHandlerWaits(invocation));
                    return;
                }
            }
        } catch (SQLException e) {
            refused();
        }
    }

    private boolean deleteAReferenceOf(ChaosWorkload.Request request) throws SQLException {
        if (request == null || snapshotted(request.requestLogId())) {
            return false;
        }
        boolean keyFirst = random.nextBoolean();
        return keyFirst ? deleteKey(request) || deleteUpstream(request) : deleteUpstream(request) || deleteKey(request);
    }

    private boolean deleteKey(ChaosWorkload.Request request) throws SQLException {
        UUID key = request.apiKeyId();
        return deletedKeys.size() < maxKeys && !deletedKeys.contains(key) && delete(DELETE_API_KEY, key)
                && deletedKeys.add(key);
    }

    private boolean deleteUpstream(ChaosWorkload.Request request) throws SQLException {
        UUID upstream = request.upstreamId();
        return deletedUpstreams.size() < maxUpstreams && !deletedUpstreams.contains(upstream)
                && delete(DELETE_UPSTREAM, upstream) && deletedUpstreams.add(upstream);
    }

    /** Deletes without committing; false when nothing was deleted. */
    private boolean delete(String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = connections().prepareStatement(sql)) {
            ps.setObject(1, id);
            if (ps.executeUpdate() == 1) {
                return true;
            }
            deleting.rollback();
            return false;
        }
    }

    private boolean snapshotted(UUID requestLogId) throws SQLException {
        connections();
        try (PreparedStatement query = watching.prepareStatement(SNAPSHOTTED)) {
            query.setObject(1, requestLogId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Holds the delete open until a handler waits on it (the race is on) or the invocation
     * returned without touching the row (it failed earlier in its batch, say), then commits.
     */
    private void commitOnceAHandlerWaits(Invocation invocation) {
        // No lock held while waiting: while the delete is open, beforeInvocation leaves the connections alone.
        try {
            boolean caught = Await.holdsWithin(hangLimit,
                    () -> aBackendWaitsOnTheDelete() || invocation.hasEnded() || stopping.getAsBoolean());
            boolean handlerWaited = caught && aBackendWaitsOnTheDelete();
            deleting.commit();
            if (handlerWaited) {
                handlersCaught.incrementAndGet();
            }
        } catch (Exception e) {
            refused();
        } finally {
            synchronized (this) {
                open = false;
            }
        }
    }

    private boolean aBackendWaitsOnTheDelete() throws SQLException {
        try (PreparedStatement ps = watching.prepareStatement(WAITING_ON)) {
            ps.setInt(1, deletingPid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private Connection connections() throws SQLException {
        if (deleting == null) {
            deleting = db.connect();
            deleting.setAutoCommit(false);
            watching = db.connect();
            try (PreparedStatement ps = deleting.prepareStatement("SELECT pg_backend_pid()");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                deletingPid = rs.getInt(1);
            }
            deleting.commit();
        }
        return deleting;
    }

    /** A delete the database refused (a deadlock, say): the connections are replaced, the strike stays due. */
    private void refused() {
        refused.incrementAndGet();
        close();
    }

    @Override
    public synchronized void close() {
        for (Connection c : new Connection[] {deleting, watching}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // it is being replaced anyway
            }
        }
        deleting = null;
        watching = null;
    }

    /** Waits for a delete still open to commit, then closes. */
    void stop() throws InterruptedException {
        committer.shutdown();
        committer.awaitTermination(hangLimit.toSeconds(), TimeUnit.SECONDS);
        close();
    }

    int keysDeleted() {
        return deletedKeys.size();
    }

    int upstreamsDeleted() {
        return deletedUpstreams.size();
    }

    /** Deletions a handler's write ran into before they committed: FK races the handler lost. */
    long handlersCaught() {
        return handlersCaught.get();
    }

    long refusedCount() {
        return refused.get();
    }
}
