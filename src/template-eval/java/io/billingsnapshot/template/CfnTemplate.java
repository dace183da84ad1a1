package io.billingsnapshot.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A CloudFormation/SAM template as plain maps and lists, with every intrinsic function (short
 * form {@code !Ref x} or long form {@code {Ref: x}}) read as an {@link Fn}.
 */
final class CfnTemplate {

    /** An intrinsic function: {@code name} is its long-form key ("Ref", "Fn::GetAtt", ...). */
    record Fn(String name, Object argument) {

        static Fn ref(String target) {
            return new Fn("Ref", target);
        }

        static Fn getAtt(String resource, String attribute) {
            return new Fn("Fn::GetAtt", List.of(resource, attribute));
        }
    }

    private static final List<String> SHORT_FORMS = List.of("Ref", "Condition", "GetAtt", "Sub", "If", "Equals",
            "Not", "And", "Or", "Select", "Split", "Join", "FindInMap", "Base64", "Cidr", "GetAZs", "ImportValue",
            "Length", "ToJsonString", "Transform");

    private final Map<String, Object> root;

    private CfnTemplate(Map<String, Object> root) {
        this.root = root;
    }

    @SuppressWarnings("unchecked")
    static CfnTemplate load(Path path) {
        LoadSettings settings = LoadSettings.builder().setLabel(path.toString()).build();
        try {
            Object document = new Load(settings, new CfnConstructor(settings)).loadFromString(Files.readString(path));
            return new CfnTemplate((Map<String, Object>) normalise(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Long-form intrinsics become {@link Fn} too, and GetAtt's "A.B" becomes [A, B]. */
    @SuppressWarnings("unchecked")
    private static Object normalise(Object node) {
        if (node instanceof Fn fn) {
            Object argument = normalise(fn.argument());
            if (fn.name().equals("Fn::GetAtt") && argument instanceof String dotted) {
                int dot = dotted.indexOf('.');
                argument = List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
            }
            return new Fn(fn.name(), argument);
        }
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String key = String.valueOf(map.keySet().iterator().next());
                if (key.equals("Ref") || key.startsWith("Fn::")) {
                    return normalise(new Fn(key, map.values().iterator().next()));
                }
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<Object, Object>) map).forEach((k, v) -> copy.put(String.valueOf(k), normalise(v)));
            return copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(normalise(item)));
            return copy;
        }
        return node;
    }

    /** A template node known to be a mapping. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return (Map<String, Object>) node;
    }

    /** A template node known to be a sequence. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return (List<Object>) node;
    }

    Map<String, Object> root() {
        return root;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        return (Map<String, Object>) root.getOrDefault(name, Map.of());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> resource(String logicalId) {
        Map<String, Object> resource = (Map<String, Object>) section("Resources").get(logicalId);
        if (resource == null) {
            throw new AssertionError("template.yaml has no resource " + logicalId);
        }
        return resource;
    }

    String type(String logicalId) {
        return (String) resource(logicalId).get("Type");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> properties(String logicalId) {
        return (Map<String, Object>) resource(logicalId).getOrDefault("Properties", Map.of());
    }

    List<String> resourcesOfType(String type) {
        return section("Resources").keySet().stream().filter(id -> type.equals(type(id))).toList();
    }

    /** The one resource of {@code type}; fails when there is none or more than one. */
    String onlyResourceOfType(String type) {
        List<String> ids = resourcesOfType(type);
        if (ids.size() != 1) {
            throw new AssertionError("expected exactly one " + type + " in template.yaml, found " + ids);
        }
        return ids.get(0);
    }

    /** Reads every !Tag as an Fn, constructing its scalar, sequence or mapping argument as usual. */
    private static final class CfnConstructor extends StandardConstructor {

        CfnConstructor(LoadSettings settings) {
            super(settings);
            for (String shortForm : SHORT_FORMS) {
                String name = shortForm.equals("Ref") || shortForm.equals("Condition") ? shortForm : "Fn::" + shortForm;
                tagConstructors.put(new Tag("!" + shortForm), new ConstructIntrinsic(name));
            }
        }

        private final class ConstructIntrinsic implements ConstructNode {

            private final String name;

            ConstructIntrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                if (node instanceof ScalarNode scalar) {
                    return new Fn(name, constructScalar(scalar));
                }
                if (node instanceof SequenceNode sequence) {
                    return new Fn(name, constructSequence(sequence));
                }
                return new Fn(name, constructMapping((MappingNode) node));
            }
        }
    }
}
