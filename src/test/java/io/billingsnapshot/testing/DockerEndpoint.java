package io.billingsnapshot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * Where a Docker engine plausibly listens, found without connecting to it. Testcontainers is asked
 * only when there is such a place: its own search, on a machine without Docker, ends in an ERROR
 * log line that would look like a failure of the run.
 */
final class DockerEndpoint {

    static final String PROPERTIES_FILE = ".testcontainers.properties";
    /** The keys of {@code ~/.testcontainers.properties} that point Testcontainers at an engine. */
    private static final List<String> PROPERTY_KEYS = List.of("tc.host", "docker.host", "docker.client.strategy");

    private DockerEndpoint() {
    }

    /** The endpoint of this machine and user. */
    static Optional<String> ofThisMachine() {
        return find(System.getenv(), Path.of(System.getProperty("user.home")), Files::exists);
    }

    /**
     * The first sign of an engine, as a short description: {@code DOCKER_HOST}, a key of
     * {@code ~/.testcontainers.properties}, or the socket file of Docker, Docker Desktop or rootless
     * Docker ({@code $XDG_RUNTIME_DIR/docker.sock}; elsewhere rootless Docker needs {@code DOCKER_HOST},
     * as its own set-up advises).
     */
    static Optional<String> find(Map<String, String> environment, Path home, Predicate<Path> exists) {
        if (!blank(environment.get("DOCKER_HOST"))) {
            return Optional.of("DOCKER_HOST");
        }
        Properties properties = properties(home.resolve(PROPERTIES_FILE));
        for (String key : PROPERTY_KEYS) {
            if (!blank(properties.getProperty(key))) {
                return Optional.of(key + " in ~/" + PROPERTIES_FILE);
            }
        }
        return sockets(environment, home).stream().filter(exists).findFirst().map(Path::toString);
    }

    private static List<Path> sockets(Map<String, String> environment, Path home) {
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock"), home.resolve(".docker/run/docker.sock")));
        String runtimeDir = environment.get("XDG_RUNTIME_DIR");
        if (!blank(runtimeDir)) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
        }
        return sockets;
    }

    private static Properties properties(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            // the usual case: Testcontainers has never run here
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return properties;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
