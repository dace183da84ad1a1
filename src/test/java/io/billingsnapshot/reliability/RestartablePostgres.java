package io.billingsnapshot.reliability;

import io.billingsnapshot.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * A test's own embedded PostgreSQL (never the shared server other tests use), which can be
 * stopped and started again on the same port and data directory: clients see a real outage,
 * and what was committed before it survives.
 */
final class RestartablePostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    /** Started, with the gateway schema and the service's migrations applied. */
    RestartablePostgres(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        this.port = freePort();
        start();
        db().execute(TestDatabase.resource(TestDatabase.GATEWAY_SCHEMA));
        TestDatabase.MIGRATIONS.forEach(migration -> db().execute(TestDatabase.resource(migration)));
    }

    TestDatabase.Db db() {
        return new TestDatabase.Db("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
    }

    void start() {
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("fsync", "off")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fast shutdown: sessions are terminated, transactions in flight roll back. */
    void stop() {
        try {
            server.close();
            server = null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            stop();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
