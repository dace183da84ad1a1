package io.billingsnapshot.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's own embedded PostgreSQL (never the shared server other tests use), which can be
 * stopped and started again on the same port and data directory: clients see a real outage,
 * and what was committed before it survives. As a JUnit extension
 * ({@code @RegisterExtension final RestartablePostgres postgres = new RestartablePostgres();})
 * each test gets a fresh server with the gateway schema and the service's migrations, removed
 * after it.
 */
public final class RestartablePostgres implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    private Path dataDirectory;
    private int port;
    private EmbeddedPostgres server;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dataDirectory = Files.createTempDirectory("restartable-postgres");
        port = FreePort.find();
        start();
        db().execute(TestDatabase.resource(TestDatabase.GATEWAY_SCHEMA));
        TestDatabase.MIGRATIONS.forEach(migration -> db().execute(TestDatabase.resource(migration)));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    public TestDatabase.Db db() {
        return new TestDatabase.Db("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
    }

    /**
     * The function's environment against this server, with driver timeouts short enough that
     * an unreachable database costs seconds, not the defaults' tens of seconds.
     */
    public Map<String, String> environment(TestSqs sqs, String deltaQueueUrl) {
        Map<String, String> env = FunctionEnvironment.local(db(), sqs, deltaQueueUrl);
        env.put("DB_CONNECT_TIMEOUT_SECONDS", "2");
        env.put("DB_LOGIN_TIMEOUT_SECONDS", "3");
        env.put("DB_SOCKET_TIMEOUT_SECONDS", "5");
        return env;
    }

    public void start() {
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
    public void stop() {
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
}
