package io.billingsnapshot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.billingsnapshot.testing.RecordingCheckpointContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TlsConnectionTest {

    static final String SSL_OF_THIS_SESSION = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

    private final TlsTestPostgres server = TlsTestPostgres.get();

    @Test
    void connectsWithVerifyFullWhenTheRootIsTrustedAndTheCertificateNamesTheHost() throws SQLException {
        DatabaseSettings settings = server.settings("localhost", "verify-full", server.rootCertificate());

        try (DatabaseConnections connections = connections(settings)) {
            assertThat(sslOfThisSession(connections.get())).isTrue();
        }
    }

    @Test
    void refusesVerifyFullWhenTheCertificateChainsToAnotherRoot() {
        DatabaseSettings settings = server.settings("localhost", "verify-full", server.otherRootCertificate());

        try (DatabaseConnections connections = connections(settings)) {
            Throwable refused = catchThrowable(connections::get);

            assertThat(refused).isInstanceOf(SQLException.class);

            assertThat(refused).hasMessageContaining("SSL error");
            assertThat(SqlStates.isConnectionError((SQLException) refused)).isTrue();
        }
    }

    @Test
    void refusesVerifyFullWhenTheCertificateNamesAnotherHost() {
        // The certificate names "localhost" only; 127.0.0.1 is the same server under another name.
        DatabaseSettings settings = server.settings("127.0.0.1", "verify-full", server.rootCertificate());

        try (DatabaseConnections connections = connections(settings)) {
            Throwable refused = catchThrowable(connections::get);

            assertThat(refused).isInstanceOf(SQLException.class);

            assertThat(refused).hasMessageContaining("127.0.0.1").hasMessageContaining("could not be verified");
        }
    }

    @Test
    void acceptsTheCertificateOfAnotherHostOnlyWhenVerifyCaIsConfigured() throws SQLException {
        // The counterpart of the test above: the host name is the only thing verify-full refused.
        DatabaseSettings settings = server.settings("127.0.0.1", "verify-ca", server.rootCertificate());

        try (DatabaseConnections connections = connections(settings)) {
            assertThat(sslOfThisSession(connections.get())).isTrue();
        }
    }

    @Test
    void refusesAServerWhoseRootTheJvmTrustStoreDoesNotHoldWhenNoRootFileIsConfigured() {
        // Production's path: DefaultJavaSSLFactory and the JVM's own trust store.
        DatabaseSettings settings = server.settings("localhost", "verify-full", null);

        try (DatabaseConnections connections = connections(settings)) {
            Throwable refused = catchThrowable(connections::get);

            assertThat(refused).isInstanceOf(SQLException.class);

            assertThat(refused).hasMessageContaining("SSL error");
        }
    }

    @Test
    void connectsWithVerifyFullThroughTheJvmTrustStoreWhenItHoldsTheRoot() throws Exception {
        // The JVM's default SSL context is built once per JVM, so the trust store holding the
        // test root is given to a fresh JVM, which runs the production constructor from the environment.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java,
                "-Djavax.net.ssl.trustStore=" + server.trustStore(),
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-Djavax.net.ssl.trustStorePassword=changeit",
                "-cp", System.getProperty("java.class.path"),
                TlsProbe.class.getName()));
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("AWS_"));
        builder.environment().putAll(server.environment("localhost", "verify-full", null));
        builder.redirectErrorStream(true);

        Process probe = builder.start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = probe.waitFor(60, TimeUnit.SECONDS);

        assertThat(finished).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).contains(TlsProbe.CONNECTED_WITH_TLS);
    }

    static boolean sslOfThisSession(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(SSL_OF_THIS_SESSION)) {
            rs.next();
            boolean ssl = rs.getBoolean(1);
            connection.rollback();
            return ssl;
        }
    }

    private static DatabaseConnections connections(DatabaseSettings settings) {
        return new DatabaseConnections(settings, () -> TlsTestPostgres.PASSWORD, new RecordingCheckpointContext());
    }
}
