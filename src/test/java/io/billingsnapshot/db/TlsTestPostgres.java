package io.billingsnapshot.db;

import io.billingsnapshot.config.Env;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * An embedded PostgreSQL of this JVM that speaks TLS with a certificate for "localhost" signed
 * by a test root, and logs every statement with the backend's pid to a file the tests read.
 * The tests of this package share it (one server start); it is not the shared TestDatabase
 * because TLS and the statement log must be configured before the server starts.
 */
final class TlsTestPostgres {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";
    private static final String LOG_PREFIX = "pid=";
    private static TlsTestPostgres instance;

    private final EmbeddedPostgres server;
    private final Path rootCertificate;
    private final Path otherRootCertificate;
    private final Path trustStore;
    private final Path logFile;

    private TlsTestPostgres(EmbeddedPostgres server, Path root, Path otherRoot, Path trustStore, Path logFile) {
        this.server = server;
        this.rootCertificate = root;
        this.otherRootCertificate = otherRoot;
        this.trustStore = trustStore;
        this.logFile = logFile;
    }

    static synchronized TlsTestPostgres get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TlsTestPostgres start() {
        try {
            Path dir = Files.createTempDirectory("db-tls-test");
            TestCertificates root = TestCertificates.authority("billing-snapshot test root");
            Path rootPem = root.writeCertificate(dir.resolve("root.pem"));
            Path trustStore = root.writeTrustStore(dir.resolve("truststore.p12"), "changeit".toCharArray());
            root.issueServerCertificate(dir.resolve("server.crt"), dir.resolve("server.key"), "localhost");
            Path otherRootPem = TestCertificates.authority("some other root").writeCertificate(dir.resolve("other.pem"));
            Path logs = Files.createDirectories(dir.resolve("logs"));
            // Values go through pg_ctl's shell command line: no spaces or shell characters.
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", dir.resolve("server.crt").toString())
                    .setServerConfig("ssl_key_file", dir.resolve("server.key").toString())
                    .setServerConfig("logging_collector", "on")
                    .setServerConfig("log_directory", logs.toString())
                    .setServerConfig("log_filename", "postgresql.log")
                    .setServerConfig("log_statement", "all")
                    .setServerConfig("log_line_prefix", LOG_PREFIX + "%p:")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                    }
                } catch (IOException ignored) {
                    // the JVM is exiting anyway
                }
            }));
            return new TlsTestPostgres(pg, rootPem, otherRootPem, trustStore, logs.resolve("postgresql.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the TLS test PostgreSQL", e);
        }
    }

    int port() {
        return server.getPort();
    }

    String url(String host) {
        return "jdbc:postgresql://" + host + ":" + port() + "/postgres";
    }

    Path rootCertificate() {
        return rootCertificate;
    }

    Path otherRootCertificate() {
        return otherRootCertificate;
    }

    Path trustStore() {
        return trustStore;
    }

    /** The environment of a function with password auth against this server. */
    Map<String, String> environment(String host, String sslMode, Path rootCertificate) {
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", url(host));
        env.put("DB_USER", USER);
        env.put("DB_AUTH", "password");
        env.put("DB_PASSWORD", PASSWORD);
        env.put("DB_SSL_MODE", sslMode);
        if (rootCertificate != null) {
            env.put("DB_SSL_ROOT_CERT", rootCertificate.toString());
        }
        return env;
    }

    DatabaseSettings settings(String host, String sslMode, Path rootCertificate) {
        return DatabaseSettings.fromEnvironment(new Env(environment(host, sslMode, rootCertificate)));
    }

    /** Verified TLS to "localhost" with the right root: what the other tests connect with. */
    DatabaseSettings verifiedSettings() {
        return settings("localhost", "verify-full", rootCertificate);
    }

    /** A plain pgjdbc connection for setup and for looking at the server from outside. */
    Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection(url("localhost"), p);
    }

    /** The statement-log lines of one backend, once the given marker text shows up among them. */
    List<String> loggedLinesOf(int backendPid, String marker) throws IOException, InterruptedException {
        String prefix = LOG_PREFIX + backendPid + ":";
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            List<String> lines = Files.readAllLines(logFile).stream()
                    .filter(line -> line.startsWith(prefix))
                    .collect(Collectors.toList());
            if (lines.stream().anyMatch(line -> line.contains(marker)) || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(50);
        }
    }
}
