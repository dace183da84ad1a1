package io.billingsnapshot.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.billingsnapshot.config.Env;
import io.billingsnapshot.testing.FreePort;
import io.billingsnapshot.testing.RecordingCheckpointContext;
import io.billingsnapshot.testing.StallingEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A database that cannot be reached makes get() fail within the configured timeouts. */
class UnreachableDatabaseTest {

    /** Slack for a loaded two-core machine on top of the configured bound. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    @Test
    void failsAtOnceWithAConnectionFailureWhenNothingListensOnThePort() throws IOException {
        int closedPort = FreePort.find();
        DatabaseSettings settings = settings(closedPort, "verify-full", 2, 3, 3);

        Failure failure = timedGet(settings);

        assertThat(SqlStates.isConnectionError(failure.error())).isTrue();
        assertThat(failure.took()).isLessThan(Duration.ofSeconds(2).plus(SLACK));
    }

    @Test
    void givesUpAfterTheLoginTimeoutWhenTheServerAcceptsButNeverAnswers() throws IOException {
        // Accepted by the kernel (backlog), never read from, never answered: a hung proxy.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            DatabaseSettings settings = settings(silent.getLocalPort(), "disable", 1, 3, 4);

            Failure failure = timedGet(settings);

            assertThat(SqlStates.isConnectionError(failure.error())).as(failure.toString()).isTrue();
            assertThat(failure.took()).as("it waited for the timeout, it was not refused")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2_500));
            assertThat(failure.took()).isLessThan(Duration.ofSeconds(3).plus(SLACK));
        }
    }

    @Test
    void givesUpWithinTheTimeoutsWhenTheServerNeverAnswersTheTlsRequest() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            DatabaseSettings settings = settings(silent.getLocalPort(), "verify-full", 1, 3, 4);

            Failure failure = timedGet(settings);

            assertThat(SqlStates.isConnectionError(failure.error())).as(failure.toString()).isTrue();
            assertThat(failure.took()).isLessThan(Duration.ofSeconds(3).plus(SLACK));
        }
    }

    @Test
    void reconnectsOnTheNextGetOnceTheDatabaseIsReachableAgain() throws Exception {
        TlsTestPostgres server = TlsTestPostgres.get();
        try (StallingEndpoint network = StallingEndpoint.forwardingTo(server.port());
                DatabaseConnections connections = connections(throughForwarder(server, network))) {
            network.refuse();
            Throwable whileDown = catchThrowable(connections::get);

            network.forward();
            Connection afterwards = connections.get();

            assertThat(whileDown).isInstanceOf(SQLException.class);
            assertThat(SqlStates.isConnectionError((SQLException) whileDown)).isTrue();
            assertThat(TlsConnectionTest.sslOfThisSession(afterwards)).isTrue();
        }
    }

    @Test
    void replacesAConnectionTheNetworkCutOnTheNextGet() throws Exception {
        TlsTestPostgres server = TlsTestPostgres.get();
        try (StallingEndpoint network = StallingEndpoint.forwardingTo(server.port());
                DatabaseConnections connections = connections(throughForwarder(server, network))) {
            Connection first = connections.get();

            network.cutAll();
            Connection second = connections.get();

            assertThat(second).isNotSameAs(first);
            assertThat(TlsConnectionTest.sslOfThisSession(second)).isTrue();
        }
    }

    private record Failure(SQLException error, Duration took) {
    }

    private static Failure timedGet(DatabaseSettings settings) {
        try (DatabaseConnections connections = connections(settings)) {
            long started = System.nanoTime();
            Throwable error = catchThrowable(connections::get);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(error).isInstanceOf(SQLException.class);
            return new Failure((SQLException) error, took);
        }
    }

    private static DatabaseConnections connections(DatabaseSettings settings) {
        return new DatabaseConnections(settings, () -> TlsTestPostgres.PASSWORD, new RecordingCheckpointContext());
    }

    private static DatabaseSettings settings(int port, String sslMode, int connect, int login, int socket) {
        return DatabaseSettings.fromEnvironment(new Env(Map.of(
                "DB_URL", "jdbc:postgresql://localhost:" + port + "/postgres",
                "DB_USER", "postgres",
                "DB_AUTH", "password",
                "DB_PASSWORD", TlsTestPostgres.PASSWORD,
                "DB_SSL_MODE", sslMode,
                "DB_CONNECT_TIMEOUT_SECONDS", Integer.toString(connect),
                "DB_LOGIN_TIMEOUT_SECONDS", Integer.toString(login),
                "DB_SOCKET_TIMEOUT_SECONDS", Integer.toString(socket))));
    }

    private static DatabaseSettings throughForwarder(TlsTestPostgres server, StallingEndpoint network) {
        Map<String, String> env = server.environment("localhost", "verify-full", server.rootCertificate());
        env.put("DB_URL", "jdbc:postgresql://localhost:" + network.port() + "/postgres");
        return DatabaseSettings.fromEnvironment(new Env(env));
    }
}
