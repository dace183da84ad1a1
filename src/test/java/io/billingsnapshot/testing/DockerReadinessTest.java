package io.billingsnapshot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.billingsnapshot.testing.DockerReadiness.Needed;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;
import org.testcontainers.utility.DockerImageName;

/**
 * The readiness check through the real Docker client (docker-java, as Testcontainers builds it)
 * against a Docker engine's HTTP API served by the test: images present or not, and a registry
 * that refuses, errs mid-pull, never answers, or delivers. The images name a registry of their
 * own: for one without, the client's credential lookup asks this machine's engine for its default
 * registry.
 */
class DockerReadinessTest {

    private static final Needed POSTGRES =
            new Needed(DockerImageName.parse("registry.test/postgres:17"), "the database image", "load it");
    private static final Needed RYUK =
            new Needed(DockerImageName.parse("registry.test/testcontainers/ryuk:0.14.0"), "Ryuk's image", "or switch Ryuk off");
    private static final String NO_REGISTRY =
            "Get \\\"https://registry-1.docker.io/v2/\\\": dial tcp: lookup registry-1.docker.io: no such host";

    private FakeEngine engine;

    @AfterEach
    void stopEngine() {
        if (engine != null) { // the tests without an engine
            engine.close();
        }
    }

    @Test
    void isReadyWhenEveryImageIsOnTheEngine() {
        engine = FakeEngine.start(Set.of("registry.test/postgres:17", "registry.test/testcontainers/ryuk:0.14.0"), Pull.REFUSE);

        DockerReadiness readiness = DockerReadiness.check(engine.client(), List.of(POSTGRES, RYUK), Duration.ofSeconds(20));

        assertThat(readiness).isEqualTo(new DockerReadiness(true,
                "registry.test/postgres:17 on the engine, registry.test/testcontainers/ryuk:0.14.0 on the engine"));
        assertThat(engine.pulls).isZero();
    }

    @Test
    void answersNoWithTheRegistrysErrorAndTheRemedyWhenAMissingImageCannotBePulled() {
        engine = FakeEngine.start(Set.of("registry.test/postgres:17"), Pull.REFUSE);

        DockerReadiness readiness = DockerReadiness.check(engine.client(), List.of(POSTGRES, RYUK), Duration.ofSeconds(20));

        // The engine's own error, not the start limit: the answer did not wait 20 s for it.
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.detail()).startsWith("Ryuk's image registry.test/testcontainers/ryuk:0.14.0 is neither on the engine"
                + " nor pullable (").contains("no such host").endsWith("): or switch Ryuk off");
    }

    @Test
    void answersNoWhenThePullFailsMidStream() {
        engine = FakeEngine.start(Set.of(), Pull.ERR_IN_STREAM);

        DockerReadiness readiness = DockerReadiness.check(engine.client(), List.of(POSTGRES), Duration.ofSeconds(20));

        assertThat(readiness).isEqualTo(new DockerReadiness(false,
                "the database image registry.test/postgres:17 is neither on the engine nor pullable (manifest unknown): load it"));
    }

    @Test
    void givesUpAPullThatShowsNoProgressWithinTheStartLimit() {
        engine = FakeEngine.start(Set.of(), Pull.STALL);

        DockerReadiness readiness = DockerReadiness.check(engine.client(), List.of(POSTGRES), Duration.ofSeconds(1));

        assertThat(readiness).isEqualTo(new DockerReadiness(false, "the database image registry.test/postgres:17 is neither on"
                + " the engine nor pullable (the pull showed no progress in 1 s): load it"));
    }

    @Test
    void isReadyWhenAMissingImageIsPulled() {
        engine = FakeEngine.start(Set.of("registry.test/testcontainers/ryuk:0.14.0"), Pull.DELIVER);

        DockerReadiness readiness = DockerReadiness.check(engine.client(), List.of(POSTGRES, RYUK), Duration.ofSeconds(20));

        assertThat(readiness).isEqualTo(new DockerReadiness(true,
                "registry.test/postgres:17 pulled, registry.test/testcontainers/ryuk:0.14.0 on the engine"));
        assertThat(engine.pulls).isEqualTo(1);
    }

    @Test
    void needsRyuksImageUnlessRyukIsSwitchedOff() {
        assertThat(DockerReadiness.needed(Map.of())).extracting(needed -> needed.image().asCanonicalNameString())
                .containsExactly("postgres:17", "testcontainers/ryuk:0.14.0");
        assertThat(DockerReadiness.needed(Map.of(DockerReadiness.RYUK_DISABLED, "true")))
                .extracting(needed -> needed.image().asCanonicalNameString()).containsExactly("postgres:17");
    }

    @Test
    void ryuksImageIsTheOneTestcontainersStarts() throws IOException {
        try (InputStream ryukContainer = DockerImageName.class.getResourceAsStream("RyukContainer.class")) {
            String constants = new String(ryukContainer.readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(constants).as("the Ryuk image of this Testcontainers version: update DockerReadiness.RYUK")
                    .contains(DockerReadiness.RYUK.asCanonicalNameString());
        }
    }

    /** How the engine answers a pull. */
    private enum Pull { REFUSE, ERR_IN_STREAM, STALL, DELIVER }

    /** The parts of a Docker engine's HTTP API the check and the client's ping use. */
    private static final class FakeEngine implements AutoCloseable {

        private static final Pattern INSPECT = Pattern.compile(".*/images/(.+)/json");

        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final CountDownLatch closed = new CountDownLatch(1);
        private final Set<String> images;
        private final Pull pull;
        volatile int pulls;

        private FakeEngine(Set<String> images, Pull pull) throws IOException {
            this.images = images;
            this.pull = pull;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(threads);
            server.createContext("/", this::answer);
            server.start();
        }

        static FakeEngine start(Set<String> images, Pull pull) {
            try {
                return new FakeEngine(images, pull);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The client Testcontainers builds for an engine, on this one. */
        DockerClient client() {
            return DockerClientProviderStrategy.getClientForConfig(TransportConfig.builder()
                    .dockerHost(URI.create("tcp://localhost:" + server.getAddress().getPort())).build());
        }

        private void answer(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                Matcher inspect = INSPECT.matcher(path);
                if (path.endsWith("/_ping")) {
                    send(exchange, 200, "OK");
                } else if (inspect.matches()) {
                    boolean present = images.contains(inspect.group(1));
                    send(exchange, present ? 200 : 404, present ? "{\"Id\":\"sha256:1\"}"
                            : "{\"message\":\"No such image: " + inspect.group(1) + "\"}");
                } else if (path.endsWith("/images/create")) {
                    pulls++;
                    pull(exchange);
                } else {
                    send(exchange, 404, "{\"message\":\"page not found\"}");
                }
            }
        }

        private void pull(HttpExchange exchange) throws IOException {
            switch (pull) {
                case REFUSE -> send(exchange, 500, "{\"message\":\"" + NO_REGISTRY + "\"}");
                case ERR_IN_STREAM -> send(exchange, 200, "{\"status\":\"Pulling from library/postgres\",\"id\":\"17\"}\n"
                        + "{\"errorDetail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown\"}\n");
                case DELIVER -> send(exchange, 200, "{\"status\":\"Pulling from library/postgres\",\"id\":\"17\"}\n"
                        + "{\"status\":\"Status: Downloaded newer image for postgres:17\"}\n");
                case STALL -> {
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }

        private static void send(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        @Override
        public void close() {
            closed.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
