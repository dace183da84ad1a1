package io.billingsnapshot.template;

import io.billingsnapshot.template.CfnTemplate.Fn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves intrinsic functions the way CloudFormation would at deploy time, given parameter
 * values and what the resources return for Ref and GetAtt. Parameters not given take their
 * Default. An unresolvable reference fails the test rather than guessing.
 */
final class CfnEvaluator {

    /** What {@code !Ref AWS::NoValue} evaluates to: the property is removed. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");

    private final CfnTemplate template;
    private final Map<String, String> parameters;
    private final Map<String, String> runtime;

    /**
     * @param parameters parameter values, overriding the template's defaults
     * @param runtime what resources resolve to: "Id" for Ref, "Id.Attribute" for GetAtt, and the
     *     pseudo parameters ("AWS::Region", ...)
     */
    CfnEvaluator(CfnTemplate template, Map<String, String> parameters, Map<String, String> runtime) {
        this.template = template;
        this.parameters = parameters;
        this.runtime = runtime;
    }

    @SuppressWarnings("unchecked")
    Object evaluate(Object node) {
        if (node instanceof Fn fn) {
            return function(fn);
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((key, value) -> {
                Object evaluated = evaluate(value);
                if (evaluated != NO_VALUE) {
                    result.put(key, evaluated);
                }
            });
            return result;
        }
        if (node instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (Object item : list) {
                Object evaluated = evaluate(item);
                if (evaluated != NO_VALUE) {
                    result.add(evaluated);
                }
            }
            return result;
        }
        return node;
    }

    String string(Object node) {
        Object value = evaluate(node);
        return value == null ? null : String.valueOf(value);
    }

    boolean condition(String name) {
        Object definition = template.section("Conditions").get(name);
        if (definition == null) {
            throw new AssertionError("template.yaml has no condition " + name);
        }
        return (Boolean) evaluate(definition);
    }

    private Object function(Fn fn) {
        return switch (fn.name()) {
            case "Ref" -> ref((String) fn.argument());
            case "Condition" -> condition((String) fn.argument());
            case "Fn::GetAtt" -> getAtt(args(fn));
            case "Fn::Sub" -> sub(fn.argument());
            case "Fn::If" -> {
                List<Object> args = args(fn);
                yield condition((String) args.get(0)) ? evaluate(args.get(1)) : evaluate(args.get(2));
            }
            case "Fn::Equals" -> {
                List<Object> args = args(fn);
                yield String.valueOf(evaluate(args.get(0))).equals(String.valueOf(evaluate(args.get(1))));
            }
            case "Fn::Not" -> !(Boolean) evaluate(args(fn).get(0));
            case "Fn::And" -> args(fn).stream().allMatch(arg -> (Boolean) evaluate(arg));
            case "Fn::Or" -> args(fn).stream().anyMatch(arg -> (Boolean) evaluate(arg));
            case "Fn::Select" -> {
                List<Object> args = args(fn);
                List<?> list = (List<?>) evaluate(args.get(1));
                yield list.get(Integer.parseInt(String.valueOf(evaluate(args.get(0)))));
            }
            case "Fn::Split" -> {
                List<Object> args = args(fn);
                String delimiter = (String) args.get(0);
                yield Arrays.asList(string(args.get(1)).split(Pattern.quote(delimiter), -1));
            }
            case "Fn::Join" -> {
                List<Object> args = args(fn);
                List<?> parts = (List<?>) evaluate(args.get(1));
                yield String.join((String) args.get(0), parts.stream().map(String::valueOf).toList());
            }
            default -> throw new AssertionError("the test cannot evaluate " + fn.name() + " yet: " + fn);
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Object> args(Fn fn) {
        return (List<Object>) fn.argument();
    }

    @SuppressWarnings("unchecked")
    private Object ref(String target) {
        if (target.equals("AWS::NoValue")) {
            return NO_VALUE;
        }
        if (parameters.containsKey(target)) {
            return parameters.get(target);
        }
        Map<String, Object> parameter = (Map<String, Object>) template.section("Parameters").get(target);
        if (parameter != null) {
            if (!parameter.containsKey("Default")) {
                throw new AssertionError("the test gives no value for parameter " + target + ", which has no Default");
            }
            return String.valueOf(parameter.get("Default"));
        }
        return known(target);
    }

    private Object getAtt(List<Object> args) {
        String resource = (String) args.get(0);
        template.resource(resource); // must exist
        return known(resource + "." + args.get(1));
    }

    private String known(String key) {
        String value = runtime.get(key);
        if (value == null) {
            throw new AssertionError("the test does not know what " + key + " resolves to");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private String sub(Object argument) {
        String text;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> list) {
            text = (String) list.get(0);
            variables = (Map<String, Object>) list.get(1);
        } else {
            text = (String) argument;
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value;
            if (variables.containsKey(name)) {
                value = string(variables.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                value = string(Fn.getAtt(name.substring(0, dot), name.substring(dot + 1)));
            } else {
                value = string(Fn.ref(name));
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }
}
