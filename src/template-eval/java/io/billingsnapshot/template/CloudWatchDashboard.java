package io.billingsnapshot.template;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudWatch dashboard body (the JSON of DashboardBody, already evaluated) read as the console
 * draws it: its widgets, the rows they form under their "## " text headers, what each metric
 * widget graphs, which alarms each alarm widget shows. Metric entries it does not understand (the
 * "." shorthand, math other than one SEARCH) throw rather than being skipped.
 */
final class CloudWatchDashboard {

    /** The dimension value of a SEARCH: every value the metric is emitted with. */
    static final String EVERY_VALUE = "*";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEARCH = Pattern.compile(
            "SEARCH\\('\\{\"([^\"]+)\"((?:,\\w+)*)} MetricName=\"(\\w+)\"', '(\\w+)', \\d+\\)");
    private static final String HEADER = "## ";

    record Widget(String type, int x, int y, int width, int height, Map<String, Object> properties) {
    }

    /** One line of a metric widget; a SEARCH line has {@link #EVERY_VALUE} for its dimensions. */
    record Graphed(String namespace, String metricName, Map<String, String> dimensions, String stat) {

        Graphed {
            dimensions = Map.copyOf(dimensions);
        }
    }

    /** A text header and the widgets below it, up to the next header. */
    record Row(String name, List<Widget> widgets) {

        List<Widget> ofType(String type) {
            return widgets.stream().filter(widget -> widget.type().equals(type)).toList();
        }
    }

    private final List<Widget> widgets;

    private CloudWatchDashboard(List<Widget> widgets) {
        this.widgets = widgets;
    }

    static CloudWatchDashboard parse(String body) {
        Map<String, Object> root;
        try {
            root = JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("DashboardBody is not JSON", e);
        }
        List<Widget> widgets = new ArrayList<>();
        for (Object node : CfnTemplate.list(root.get("widgets"))) {
            Map<String, Object> widget = CfnTemplate.map(node);
            widgets.add(new Widget((String) widget.get("type"), (Integer) widget.get("x"), (Integer) widget.get("y"),
                    (Integer) widget.get("width"), (Integer) widget.get("height"),
                    CfnTemplate.map(widget.get("properties"))));
        }
        widgets.sort(Comparator.comparingInt(Widget::y).thenComparingInt(Widget::x));
        return new CloudWatchDashboard(List.copyOf(widgets));
    }

    List<Widget> widgets() {
        return widgets;
    }

    List<Widget> ofType(String type) {
        return widgets.stream().filter(widget -> widget.type().equals(type)).toList();
    }

    /** The rows top to bottom; widgets above the first header belong to no row and fail. */
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Widget widget : widgets) {
            String header = header(widget);
            if (header != null) {
                rows.add(new Row(header, new ArrayList<>()));
            } else if (rows.isEmpty()) {
                throw new IllegalStateException("a widget above the first row header: " + widget);
            } else {
                rows.get(rows.size() - 1).widgets().add(widget);
            }
        }
        return rows.stream().map(row -> new Row(row.name(), List.copyOf(row.widgets()))).toList();
    }

    private static String header(Widget widget) {
        if (!widget.type().equals("text")) {
            return null;
        }
        String markdown = (String) widget.properties().get("markdown");
        return markdown.startsWith(HEADER) ? markdown.lines().findFirst().orElseThrow().substring(HEADER.length()) : null;
    }

    /** What a metric widget draws, line by line. */
    static List<Graphed> graphed(Widget widget) {
        String widgetStat = (String) widget.properties().get("stat");
        List<Graphed> lines = new ArrayList<>();
        for (Object node : CfnTemplate.list(widget.properties().get("metrics"))) {
            List<Object> line = CfnTemplate.list(node);
            if (line.size() == 1 && line.get(0) instanceof Map<?, ?> expression) {
                lines.add(search((String) expression.get("expression")));
                continue;
            }
            String stat = widgetStat;
            Map<String, String> dimensions = new LinkedHashMap<>();
            int end = line.size();
            if (line.get(end - 1) instanceof Map<?, ?> options) {
                stat = options.containsKey("stat") ? (String) options.get("stat") : stat;
                end--;
            }
            if (line.contains(".") || end % 2 != 0) {
                throw new IllegalArgumentException("write every metric line in full: [namespace, name, "
                        + "dimension, value, ..., {options}]: " + line);
            }
            for (int i = 2; i < end; i += 2) {
                dimensions.put((String) line.get(i), (String) line.get(i + 1));
            }
            lines.add(new Graphed((String) line.get(0), (String) line.get(1), dimensions, stat));
        }
        return lines;
    }

    private static Graphed search(String expression) {
        Matcher search = SEARCH.matcher(expression);
        if (!search.matches()) {
            throw new IllegalArgumentException("only SEARCH('{\"namespace\",Dimension} MetricName=\"Name\"', "
                    + "'Stat', period) is understood: " + expression);
        }
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (String key : search.group(2).split(",")) {
            if (!key.isEmpty()) {
                dimensions.put(key, EVERY_VALUE);
            }
        }
        return new Graphed(search.group(1), search.group(3), dimensions, search.group(4));
    }

    /** The ARNs an alarm widget shows. */
    static List<String> alarms(Widget widget) {
        return CfnTemplate.list(widget.properties().get("alarms")).stream().map(String.class::cast).toList();
    }

    /** The values of a metric widget's horizontal annotations (threshold lines). */
    static List<Double> thresholdLines(Widget widget) {
        Object annotations = widget.properties().get("annotations");
        if (annotations == null) {
            return List.of();
        }
        return CfnTemplate.list(CfnTemplate.map(annotations).get("horizontal")).stream()
                .map(line -> ((Number) CfnTemplate.map(line).get("value")).doubleValue()).toList();
    }
}
