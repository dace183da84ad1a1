package io.billingsnapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the main code depend on each other in one direction only: a package that
 * needs another never is needed by it, so each can be read, tested and moved on its own. And
 * only downwards, through the layers of docs/design.md §13: batches and re-rating are siblings
 * that share what lies below them, never each other.
 */
class PackageCyclesTest {

    private static final Path MAIN_SOURCES = Path.of("src/main/java");
    private static final String ROOT = "io.billingsnapshot";
    /** A reference to a type of the project: an import, a static import or a qualified name. */
    private static final Pattern TYPE_REFERENCE = Pattern.compile("\\bio\\.billingsnapshot((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    /** Top to bottom, by package name under {@value #ROOT} ("" for the root package itself). */
    private static final List<List<String>> LAYERS = List.of(
            List.of(""), // the Lambda handlers, their configuration and the wiring
            List.of("priming"), // SnapStart priming: runs what lies below before the snapshot
            List.of("processing", "rerate"), // an SQS batch, a re-rate call: siblings
            List.of("write"), // the write step both share
            List.of("quota", "store", "metrics"),
            List.of("db", "billing"),
            List.of("message", "logging", "time"),
            List.of("config", "wire"));

    @Test
    void mainCodeUsesOnlyTheLayersBelowEachPackage() {
        Map<String, Set<String>> graph = packageGraph(MAIN_SOURCES);

        assertThat(graph.keySet()).as("every package has a layer")
                .containsExactlyInAnyOrderElementsOf(LAYERS.stream().flatMap(List::stream)
                        .map(name -> name.isEmpty() ? ROOT : ROOT + "." + name).toList());
        assertThat(arrowsNotDownwards(graph, layerOf(ROOT, LAYERS))).isEmpty();
    }

    @Test
    void findsAnArrowToASiblingAndOneUpwards() {
        Map<String, Integer> layers = layerOf("r", List.of(List.of("a", "b"), List.of("c")));
        Map<String, Set<String>> graph = Map.of(
                "r.a", Set.of("r.b", "r.c"),
                "r.b", Set.of("r.c"),
                "r.c", Set.of("r.a"));

        assertThat(arrowsNotDownwards(graph, layers)).containsExactly("r.a -> r.b", "r.c -> r.a");
        assertThat(arrowsNotDownwards(Map.of("r.a", Set.of("r.c")), layers)).isEmpty();
    }

    @Test
    void mainCodeHasNoPackageCycle() {
        Map<String, Set<String>> graph = packageGraph(MAIN_SOURCES);

        assertThat(graph).containsKeys(ROOT, ROOT + ".billing", ROOT + ".message", ROOT + ".config", ROOT + ".db");
        assertThat(cycle(graph)).as("package cycle").isEmpty();
    }

    @Test
    void findsACycleThroughSeveralPackages() {
        Map<String, Set<String>> graph = Map.of(
                "a", Set.of("b"),
                "b", Set.of("c"),
                "c", Set.of("a", "d"),
                "d", Set.of());

        assertThat(cycle(graph)).containsExactly("a", "b", "c", "a");
        assertThat(cycle(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
    }

    /** Each package of the source tree and the other project packages its files refer to. */
    static Map<String, Set<String>> packageGraph(Path sourceRoot) {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = sourceRoot.relativize(file.getParent());
                String pkg = dir.toString().replace(dir.getFileSystem().getSeparator(), ".");
                Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                String code = Files.readString(file, StandardCharsets.UTF_8);
                Matcher reference = TYPE_REFERENCE.matcher(code.substring(code.indexOf(';') + 1));
                while (reference.find()) {
                    String used = ROOT + reference.group(1);
                    if (!used.equals(pkg)) {
                        uses.add(used);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** Each package's layer, counted from the top. */
    static Map<String, Integer> layerOf(String root, List<List<String>> layers) {
        Map<String, Integer> layer = new TreeMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (String name : layers.get(i)) {
                layer.put(name.isEmpty() ? root : root + "." + name, i);
            }
        }
        return layer;
    }

    /** The arrows to a package of the same layer or of one above, as "from -> to", sorted. */
    static List<String> arrowsNotDownwards(Map<String, Set<String>> graph, Map<String, Integer> layer) {
        List<String> wrong = new ArrayList<>();
        new TreeMap<>(graph).forEach((from, uses) -> new TreeSet<>(uses).forEach(to -> {
            if (layer.get(to) <= layer.get(from)) {
                wrong.add(from + " -> " + to);
            }
        }));
        return wrong;
    }

    /** One cycle as the packages along it, first repeated at the end; empty when there is none. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new TreeSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> found = cycleFrom(start, graph, new ArrayList<>(), done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> cycleFrom(String pkg, Map<String, Set<String>> graph, List<String> path, Set<String> done) {
        int seen = path.indexOf(pkg);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(pkg);
            return cycle;
        }
        if (done.contains(pkg)) {
            return List.of();
        }
        path.add(pkg);
        for (String next : new TreeSet<>(graph.getOrDefault(pkg, Set.of()))) {
            List<String> found = cycleFrom(next, graph, path, done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.remove(path.size() - 1);
        done.add(pkg);
        return List.of();
    }
}
