package io.billingsnapshot.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

/**
 * Whether Testcontainers can start the tests' PostgreSQL on a Docker engine, asked before it
 * tries: the engine answers, and every image the start needs ({@code postgres:17}, and Ryuk's
 * unless {@code TESTCONTAINERS_RYUK_DISABLED=true}) is on the engine or its pull gets under way.
 * Testcontainers itself retries a pull that cannot work for minutes and then throws; an engine
 * that reaches no registry makes this answer "no" in milliseconds, with the reason and the remedy.
 * Nothing is started: the answer comes from a client of its own, not Testcontainers' (whose first
 * use starts Ryuk).
 */
record DockerReadiness(boolean ready, String detail) {

    static final DockerImageName POSTGRES = DockerImageName.parse("postgres:17");
    /**
     * Ryuk, Testcontainers' reaper of the containers a killed JVM leaves behind: the image
     * Testcontainers' {@code RyukContainer} starts ({@code DockerReadinessTest} checks it is still that one).
     */
    static final DockerImageName RYUK = DockerImageName.parse("testcontainers/ryuk:0.14.0");
    static final String RYUK_DISABLED = "TESTCONTAINERS_RYUK_DISABLED";
    /** How long a pull may take to show progress: a registry that answers at all answers in far less. */
    static final Duration PULL_START_LIMIT = Duration.ofSeconds(20);
    /** A pull under way gets as long as Testcontainers would give it. */
    private static final Duration PULL_LIMIT = Duration.ofMinutes(10);

    /** An image the container needs, and what to do when the engine has no way to it. */
    record Needed(DockerImageName image, String what, String remedy) {
    }

    /** The answer of the engine Testcontainers would use (DOCKER_HOST, ~/.testcontainers.properties, the socket). */
    static DockerReadiness ofThisMachine() {
        long started = System.nanoTime();
        DockerReadiness readiness;
        try (DockerClient client = DockerClientProviderStrategy.getClientForConfig(
                DockerClientFactory.instance().getTransportConfig())) {
            readiness = check(client, needed(System.getenv()), PULL_START_LIMIT);
        } catch (IOException | RuntimeException e) {
            readiness = new DockerReadiness(false, "no engine answered (" + e.getMessage() + ")");
        }
        String ryuk = readiness.ready() && Boolean.parseBoolean(System.getenv(RYUK_DISABLED))
                ? ", Ryuk off (" + RYUK_DISABLED + ")" : "";
        return new DockerReadiness(readiness.ready(), String.format(Locale.ROOT, "%s%s (asked in %.1f s)",
                readiness.detail(), ryuk, (System.nanoTime() - started) / 1e9));
    }

    /** {@code postgres:17}, and Ryuk's image when Ryuk is on, as Testcontainers names them after its substitutions. */
    static List<Needed> needed(Map<String, String> environment) {
        List<Needed> needed = new ArrayList<>(List.of(new Needed(ImageNameSubstitutor.instance().apply(POSTGRES),
                "the database image", "load it into the engine (docker load) or let the engine reach a registry")));
        if (!Boolean.parseBoolean(environment.get(RYUK_DISABLED))) {
            needed.add(new Needed(ImageNameSubstitutor.instance().apply(RYUK), "Ryuk's image",
                    "load it into the engine, or set " + RYUK_DISABLED + "=true"));
        }
        return needed;
    }

    static DockerReadiness check(DockerClient client, List<Needed> needed, Duration pullStartLimit) {
        List<String> found = new ArrayList<>();
        for (Needed image : needed) {
            String name = image.image().asCanonicalNameString();
            if (isPresent(client, name)) {
                found.add(name + " on the engine");
                continue;
            }
            Optional<String> pullFailure = pull(client, image.image(), pullStartLimit);
            if (pullFailure.isPresent()) {
                return new DockerReadiness(false, image.what() + " " + name + " is neither on the engine nor pullable ("
                        + pullFailure.get().replaceAll("\\s+", " ").trim() + "): " + image.remedy());
            }
            found.add(name + " pulled");
        }
        return new DockerReadiness(true, String.join(", ", found));
    }

    private static boolean isPresent(DockerClient client, String name) {
        try {
            client.inspectImageCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Pulls the image; the failure, if the registry refuses, errs or shows no progress within the limit. */
    private static Optional<String> pull(DockerClient client, DockerImageName image, Duration startLimit) {
        CountDownLatch answered = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        ResultCallback.Adapter<PullResponseItem> progress = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(PullResponseItem item) {
                if (item.isErrorIndicated()) {
                    failure.compareAndSet(null, item.getErrorDetail() != null
                            ? item.getErrorDetail().getMessage() : item.getError());
                }
                answered.countDown();
            }

            @Override
            public void onError(Throwable error) { // recorded, not logged as the library's ERROR
                failure.compareAndSet(null, error.getMessage());
                answered.countDown();
                try {
                    close(); // ends awaitCompletion
                } catch (IOException e) {
                    failure.compareAndSet(null, e.getMessage());
                }
            }

            @Override
            public void onComplete() {
                answered.countDown();
                super.onComplete();
            }
        };
        try (progress) {
            client.pullImageCmd(image.getUnversionedPart()).withTag(image.getVersionPart()).exec(progress);
            if (!answered.await(startLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.of("the pull showed no progress in " + startLimit.toSeconds() + " s");
            }
            if (failure.get() == null && !progress.awaitCompletion(PULL_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.of("the pull did not end in " + PULL_LIMIT.toMinutes() + " min");
            }
            return Optional.ofNullable(failure.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (IOException | RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }
}
