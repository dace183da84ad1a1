package io.billingsnapshot.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.billingsnapshot.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every command README.md and docs/ give an operator refers to something that exists: the Maven
 * exec ids and profiles in the pom, the test classes, the files; and env.json is an environment
 * the function accepts, with only variables the template declares (sam local invoke cannot set
 * others). Commands are read from the whole text, code blocks and inline code alike.
 */
class DocumentedCommandsTest {

    private static final Pattern EXEC = Pattern.compile("exec:(\\w+)@([\\w-]+)");
    private static final Pattern PROFILE = Pattern.compile("\\s-P([\\w,-]+)");
    private static final Pattern TEST = Pattern.compile("-Dtest=['\"]?([\\w.#*,]+)");
    private static final Pattern FILE = Pattern.compile(
            "(?<![\\w/.])((?:src|events|docs|\\.ci)/[\\w./-]*[\\w/]|env\\.json|template\\.yaml|samconfig\\.toml|pom\\.xml)");

    @Test
    void everyExecGoalNamesAnExecutionOfThePomThatRunsThatGoal() throws Exception {
        Map<String, String> executions = execExecutions();
        List<String> found = matches(EXEC);

        assertThat(found).isNotEmpty().allSatisfy(command -> {
            Matcher m = EXEC.matcher(command);
            assertThat(m.matches()).isTrue();
            assertThat(executions).as(command).containsKey(m.group(2));
            assertThat(m.group(1)).as(command + ": the execution runs a forked JVM (goal exec)")
                    .isEqualTo(executions.get(m.group(2)));
        });
    }

    @Test
    void everyProfileNamedExistsInThePom() throws Exception {
        Set<String> profiles = new LinkedHashSet<>();
        NodeList ids = pom().getElementsByTagName("profile");
        for (int i = 0; i < ids.getLength(); i++) {
            profiles.add(((Element) ids.item(i)).getElementsByTagName("id").item(0).getTextContent().trim());
        }
        for (String used : groups(PROFILE)) {
            assertThat(profiles).as("-P" + used).contains(used.split(",", 2)[0]);
        }
    }

    @Test
    void everyTestClassACommandRunsExists() throws IOException {
        Set<String> classes = new LinkedHashSet<>();
        for (String sources : List.of("src/test/java", "src/soak/java", "src/benchmark/java", "src/template-eval/java")) {
            try (Stream<Path> files = Files.walk(Path.of(sources))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                        .forEach(n -> classes.add(n.substring(0, n.length() - ".java".length())));
            }
        }
        List<String> used = groups(TEST);

        assertThat(used).isNotEmpty();
        for (String selection : used) {
            for (String pattern : selection.split(",", -1)) {
                String className = pattern.split("#", 2)[0];
                className = className.substring(className.lastIndexOf('.') + 1);
                if (!className.contains("*")) {
                    assertThat(classes).as("-Dtest=" + selection).contains(className);
                }
            }
        }
    }

    @Test
    void everyFileTheDocsNameExists() throws IOException {
        List<String> named = groups(FILE);

        assertThat(named).contains("env.json", "template.yaml", "events/sqs-batch.json");
        assertThat(named).allSatisfy(file -> assertThat(Path.of(file)).as(file).exists());
    }

    @Test
    void envJsonIsAnEnvironmentTheFunctionAcceptsMadeOnlyOfVariablesTheTemplateDeclares() throws IOException {
        JsonNode function = new ObjectMapper().readTree(Path.of("env.json").toFile()).get("BillingSnapshotFunction");
        Map<String, String> env = new HashMap<>();
        function.properties().forEach(field -> env.put(field.getKey(), field.getValue().asText()));

        assertThat(templateVariables()).containsAll(env.keySet());
        assertThat(env).containsEntry("DB_AUTH", "password").containsEntry("DB_SSL_MODE", "disable");
        env.put("AWS_REGION", "eu-west-1"); // set by sam local invoke
        assertThatCode(() -> Config.fromEnvironment(env)).doesNotThrowAnyException();
    }

    private static Set<String> templateVariables() {
        return BillingStack.environment().keySet();
    }

    private static List<String> matches(Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        for (String text : documents()) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                found.add(m.group());
            }
        }
        return found;
    }

    private static List<String> groups(Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        for (String text : documents()) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    private static List<String> documents() throws IOException {
        List<String> texts = new ArrayList<>(List.of(Files.readString(Path.of("README.md"))));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                texts.add(Files.readString(doc));
            }
        }
        return texts;
    }

    /** Execution id of the exec plugin, and the goal it is meant for (exec when it sets an executable). */
    private static Map<String, String> execExecutions() throws Exception {
        Map<String, String> executions = new HashMap<>();
        NodeList list = pom().getElementsByTagName("execution");
        for (int i = 0; i < list.getLength(); i++) {
            Element execution = (Element) list.item(i);
            Element plugin = (Element) execution.getParentNode().getParentNode();
            String artifact = plugin.getElementsByTagName("artifactId").item(0).getTextContent().trim();
            if (artifact.equals("exec-maven-plugin")) {
                String id = execution.getElementsByTagName("id").item(0).getTextContent().trim();
                boolean forks = execution.getElementsByTagName("executable").getLength() > 0;
                executions.put(id, forks ? "exec" : "java");
            }
        }
        return executions;
    }

    private static Document pom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    }
}
