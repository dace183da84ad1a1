package io.billingsnapshot.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides one request against IAM policies as AWS does within one account: an explicit Deny in
 * any of them wins; otherwise an Allow in any of them (the principal's own identity policy or the
 * resource's policy) allows; otherwise the request is denied implicitly.
 *
 * <p>It knows as much of the policy language as this stack's policies use: Allow and Deny,
 * Action and Resource with {@code *} and {@code ?}, Principal {@code "*"} or IAM ARNs, and the
 * condition operators String(Not)Equals, String(Not)Like, Arn(Not)Equals, Arn(Not)Like and Bool
 * over {@code aws:PrincipalArn}, {@code aws:PrincipalIsAWSService} and {@code aws:SecureTransport}
 * (a key a request does not carry matches no value: a negated operator holds, any other does not).
 * Anything else (NotPrincipal, NotAction, another operator or key, a cross-account principal, a
 * {@code Service} principal element) throws rather than guessing, so a policy the evaluator does not understand fails the test that reads it.
 */
final class PolicyEvaluator {

    static final String PRINCIPAL_ARN = "aws:PrincipalArn";
    static final String SECURE_TRANSPORT = "aws:SecureTransport";
    static final String PRINCIPAL_IS_AWS_SERVICE = "aws:PrincipalIsAWSService";

    private static final Pattern ANY = Pattern.compile("[*?]");

    enum Decision {
        ALLOW, EXPLICIT_DENY, IMPLICIT_DENY
    }

    /**
     * One API call: who (an IAM role or user ARN of the same account, or, with a null ARN, an AWS
     * service acting on its own), what, on what, over TLS or not.
     */
    record Request(String principalArn, String action, String resource, boolean secureTransport) {

        static Request tls(String principalArn, String action, String resource) {
            return new Request(principalArn, action, resource, true);
        }

        /** A call an AWS service makes itself (SQS moving a message to a dead-letter queue): no principal ARN. */
        static Request byAwsService(String action, String resource) {
            return new Request(null, action, resource, true);
        }

        Request withoutTls() {
            return new Request(principalArn, action, resource, false);
        }

        /** The key's value in the request's context; null when the request does not carry it. */
        private String contextValue(String key) {
            if (key.equalsIgnoreCase(PRINCIPAL_ARN)) {
                return principalArn;
            }
            if (key.equalsIgnoreCase(PRINCIPAL_IS_AWS_SERVICE)) {
                return String.valueOf(principalArn == null);
            }
            if (key.equalsIgnoreCase(SECURE_TRANSPORT)) {
                return String.valueOf(secureTransport);
            }
            throw new UnsupportedOperationException("the evaluator does not know the condition key " + key);
        }
    }

    /** A policy document and, for an identity policy, the principal it is attached to. */
    record Policy(Optional<String> attachedTo, Map<String, Object> document) {

        static Policy identity(String principalArn, Map<String, Object> document) {
            return new Policy(Optional.of(principalArn), document);
        }

        static Policy resource(Map<String, Object> document) {
            return new Policy(Optional.empty(), document);
        }
    }

    private PolicyEvaluator() {
    }

    static Decision decide(Request request, List<Policy> policies) {
        boolean allowed = false;
        for (Policy policy : policies) {
            if (policy.attachedTo().isPresent() && !policy.attachedTo().get().equals(request.principalArn())) {
                continue; // another principal's identity policy
            }
            for (Object node : asList(policy.document().get("Statement"))) {
                Map<String, Object> statement = CfnTemplate.map(node);
                if (applies(statement, request, policy.attachedTo().isEmpty())) {
                    String effect = (String) statement.get("Effect");
                    if (effect.equals("Deny")) {
                        return Decision.EXPLICIT_DENY;
                    }
                    if (!effect.equals("Allow")) {
                        throw new IllegalArgumentException("Effect must be Allow or Deny: " + statement);
                    }
                    allowed = true;
                }
            }
        }
        return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    private static boolean applies(Map<String, Object> statement, Request request, boolean resourcePolicy) {
        for (String unsupported : List.of("NotPrincipal", "NotAction", "NotResource")) {
            if (statement.containsKey(unsupported)) {
                throw new UnsupportedOperationException("the evaluator does not know " + unsupported + ": " + statement);
            }
        }
        if (resourcePolicy != statement.containsKey("Principal")) {
            throw new IllegalArgumentException((resourcePolicy ? "a resource policy statement needs a Principal: "
                    : "an identity policy statement takes no Principal: ") + statement);
        }
        return (!resourcePolicy || principalMatches(statement.get("Principal"), request.principalArn()))
                && asList(statement.get("Action")).stream()
                        .anyMatch(action -> glob((String) action, request.action(), true))
                && asList(statement.get("Resource")).stream()
                        .anyMatch(resource -> arnMatches((String) resource, request.resource()))
                && conditionsHold(statement.get("Condition"), request);
    }

    private static boolean principalMatches(Object principal, String principalArn) {
        if ("*".equals(principal)) {
            return true;
        }
        Map<String, Object> byType = CfnTemplate.map(principal);
        if (!byType.keySet().equals(Set.of("AWS"))) {
            throw new UnsupportedOperationException("the evaluator knows only AWS principals: " + principal);
        }
        return asList(byType.get("AWS")).stream().anyMatch(named -> {
            String arn = (String) named;
            if ((!arn.equals("*") && !arn.startsWith("arn:")) || arn.endsWith(":root")) {
                throw new UnsupportedOperationException("the evaluator knows only \"*\" and role or user ARNs: " + arn);
            }
            return arn.equals("*") || (principalArn != null && arn.equals(principalArn));
        });
    }

    /** Every operator block holds, and within a block every key (AND); a key holds for any of its values (OR). */
    private static boolean conditionsHold(Object condition, Request request) {
        if (condition == null) {
            return true;
        }
        for (Map.Entry<String, Object> block : CfnTemplate.map(condition).entrySet()) {
            for (Map.Entry<String, Object> test : CfnTemplate.map(block.getValue()).entrySet()) {
                String actual = request.contextValue(test.getKey());
                List<?> values = asList(test.getValue());
                if (!holds(block.getKey(), actual, values)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, String actual, List<?> values) {
        if (actual == null) {
            return operator.contains("Not");
        }
        return switch (operator) {
            case "StringEquals" -> values.stream().anyMatch(v -> String.valueOf(v).equals(actual));
            case "StringNotEquals" -> values.stream().noneMatch(v -> String.valueOf(v).equals(actual));
            case "StringLike" -> values.stream().anyMatch(v -> glob(String.valueOf(v), actual, false));
            case "StringNotLike" -> values.stream().noneMatch(v -> glob(String.valueOf(v), actual, false));
            // IAM matches ArnEquals like ArnLike: component by component, wildcards allowed.
            case "ArnEquals", "ArnLike" -> values.stream().anyMatch(v -> arnMatches(String.valueOf(v), actual));
            case "ArnNotEquals", "ArnNotLike" -> values.stream().noneMatch(v -> arnMatches(String.valueOf(v), actual));
            case "Bool" -> values.stream().anyMatch(v -> String.valueOf(v).equalsIgnoreCase(actual));
            default -> throw new UnsupportedOperationException("the evaluator does not know the operator " + operator);
        };
    }

    /** An ARN pattern against an ARN: its six colon-separated parts each on their own, so "*" never spans a colon. */
    private static boolean arnMatches(String pattern, String arn) {
        if (pattern.equals("*")) {
            return true;
        }
        String[] wanted = pattern.split(":", 6);
        String[] actual = arn.split(":", 6);
        if (wanted.length != 6 || actual.length != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (!glob(wanted[i], actual[i], false)) {
                return false;
            }
        }
        return true;
    }

    /** {@code *} any run of characters, {@code ?} any one character, the rest literally. */
    private static boolean glob(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        int last = 0;
        var wildcards = ANY.matcher(pattern);
        while (wildcards.find()) {
            regex.append(Pattern.quote(pattern.substring(last, wildcards.start())));
            regex.append(wildcards.group().equals("*") ? ".*" : ".");
            last = wildcards.end();
        }
        regex.append(Pattern.quote(pattern.substring(last)));
        int flags = ignoreCase ? Pattern.CASE_INSENSITIVE : 0;
        return Pattern.compile(regex.toString(), flags | Pattern.DOTALL).matcher(value).matches();
    }

    private static List<?> asList(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("a policy element is missing (Statement, Action or Resource)");
        }
        return value instanceof List<?> list ? list : List.of(value);
    }
}
