package io.billingsnapshot.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files are real, in a temporary home; only the machine-wide socket is stood in for. */
class DockerEndpointTest {

    private static final Path SYSTEM_SOCKET = Path.of("/var/run/docker.sock");

    @TempDir
    Path home;

    @Test
    void findsNothingOnAMachineWithoutDocker() {
        assertThat(DockerEndpoint.find(Map.of(), home, inHome())).isEmpty();
    }

    @Test
    void takesDockerHostFirst() {
        assertThat(DockerEndpoint.find(Map.of("DOCKER_HOST", "tcp://docker.example:2375"), home,
                inHome().or(SYSTEM_SOCKET::equals))).contains("DOCKER_HOST");
    }

    @Test
    void ignoresABlankDockerHost() {
        assertThat(DockerEndpoint.find(Map.of("DOCKER_HOST", " "), home, inHome())).isEmpty();
    }

    @Test
    void findsTheSystemSocket() {
        assertThat(DockerEndpoint.find(Map.of(), home, inHome().or(SYSTEM_SOCKET::equals)))
                .contains("/var/run/docker.sock");
    }

    @Test
    void findsDockerDesktopsSocketsInTheHome() throws IOException {
        Path linux = createFile(home.resolve(".docker/desktop/docker.sock"));

        assertThat(DockerEndpoint.find(Map.of(), home, inHome())).contains(linux.toString());

        Files.delete(linux);
        Path macOs = createFile(home.resolve(".docker/run/docker.sock"));

        assertThat(DockerEndpoint.find(Map.of(), home, inHome())).contains(macOs.toString());
    }

    @Test
    void findsTheRootlessSocketInTheRuntimeDirectory() throws IOException {
        Path runtimeDir = Files.createDirectories(home.resolve("run-user-1000"));
        Path socket = createFile(runtimeDir.resolve("docker.sock"));

        assertThat(DockerEndpoint.find(Map.of("XDG_RUNTIME_DIR", runtimeDir.toString()), home, inHome()))
                .contains(socket.toString());
        assertThat(DockerEndpoint.find(Map.of("XDG_RUNTIME_DIR", home.resolve("elsewhere").toString()), home, inHome()))
                .isEmpty();
    }

    @Test
    void findsAHostNamedInTestcontainersProperties() throws IOException {
        Files.writeString(home.resolve(".testcontainers.properties"), "tc.host=tcp://docker.example:2375\n");

        assertThat(DockerEndpoint.find(Map.of(), home, inHome())).contains("tc.host in ~/.testcontainers.properties");
    }

    @Test
    void findsAStrategyTestcontainersRecordedAfterASuccess() throws IOException {
        Files.writeString(home.resolve(".testcontainers.properties"),
                "docker.client.strategy=org.testcontainers.dockerclient.UnixSocketClientProviderStrategy\n");

        assertThat(DockerEndpoint.find(Map.of(), home, inHome()))
                .contains("docker.client.strategy in ~/.testcontainers.properties");
    }

    @Test
    void ignoresTestcontainersPropertiesThatNameNoEngine() throws IOException {
        Files.writeString(home.resolve(".testcontainers.properties"), "ryuk.disabled=true\ndocker.host=\n");

        assertThat(DockerEndpoint.find(Map.of(), home, inHome())).isEmpty();
    }

    /** The files of the temporary home exist as they are; nothing outside it does. */
    private Predicate<Path> inHome() {
        return path -> path.startsWith(home) && Files.exists(path);
    }

    private static Path createFile(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.createFile(file);
    }
}
