package io.billingsnapshot.soak;

import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway deleting API keys and upstreams while their requests are being billed. Each
 * strike deletes the key or the upstream of a request in flight, in a transaction held open
 * for a few milliseconds: a handler that read the request log before the delete committed
 * blocks on the foreign-key check and then gets the real 23503, exactly as in production.
 * At most {@code deletableShare} of the keys and of the upstreams go, so that enough of them
 * remain for the conservation check.
 */
final class ReferenceDeleter {

    private static final String DELETE_API_KEY = "DELETE FROM api_keys WHERE id = ?";
    private static final String DELETE_UPSTREAM = "DELETE FROM upstreams WHERE id = ?";

    private final TestDatabase.Db db;
    private final Map<UUID, ChaosWorkload.Request> requests;
    private final InFlightRequests inFlight;
    private final Duration hold;
    private final int maxKeys;
    private final int maxUpstreams;
    private final Random random;
    private final Set<UUID> deletedKeys = ConcurrentHashMap.newKeySet();
    private final Set<UUID> deletedUpstreams = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private Connection connection;

    ReferenceDeleter(TestDatabase.Db db, ChaosWorkload workload, InFlightRequests inFlight, ChaosSettings settings,
            Random random) {
        this.db = db;
        this.requests = workload.requests();
        this.inFlight = inFlight;
        this.hold = settings.deletionHold();
        this.maxKeys = (int) (workload.apiKeys().size() * settings.deletableShare());
        this.maxUpstreams = (int) (workload.upstreamInputMultipliers().size() * settings.deletableShare());
        this.random = random;
    }

    void strike() {
        inFlight.next(random).map(requests::get).ifPresent(request -> {
            boolean keyFirst = random.nextBoolean();
            if (!(keyFirst ? deleteKey(request) : deleteUpstream(request))) {
                if (keyFirst) {
                    deleteUpstream(request);
                } else {
                    deleteKey(request);
                }
            }
        });
    }

    private boolean deleteKey(ChaosWorkload.Request request) {
        UUID key = request.apiKeyId();
        return deletedKeys.size() < maxKeys && !deletedKeys.contains(key)
                && delete(DELETE_API_KEY, key) && deletedKeys.add(key);
    }

    private boolean deleteUpstream(ChaosWorkload.Request request) {
        UUID upstream = request.upstreamId();
        return deletedUpstreams.size() < maxUpstreams && !deletedUpstreams.contains(upstream)
                && delete(DELETE_UPSTREAM, upstream) && deletedUpstreams.add(upstream);
    }

    /** Deletes in a transaction held open for the hold time; false when the database refused (a deadlock, say). */
    private boolean delete(String sql, UUID id) {
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, id);
                ps.executeUpdate();
                Thread.sleep(hold.toMillis());
                c.commit();
                return true;
            } catch (SQLException | InterruptedException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | InterruptedException e) {
            refused.incrementAndGet();
            closeQuietly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = db.connect();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // it is being replaced anyway
        }
        connection = null;
    }

    int keysDeleted() {
        return deletedKeys.size();
    }

    int upstreamsDeleted() {
        return deletedUpstreams.size();
    }

    long refused() {
        return refused.get();
    }
}
