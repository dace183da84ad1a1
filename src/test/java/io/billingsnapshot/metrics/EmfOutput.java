package io.billingsnapshot.metrics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads captured EMF output the way CloudWatch Logs does: every line a JSON document, every
 * metric directive times every dimension set one data point.
 */
public final class EmfOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EmfOutput() {
    }

    /** One data point as CloudWatch would extract it. */
    public record Datum(String namespace, String name, String unit, Map<String, String> dimensions, double value,
                        long timestamp) {
    }

    public static List<Map<String, Object>> documents(String output) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (!line.isBlank()) {
                try {
                    documents.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() { }));
                } catch (IOException e) {
                    throw new UncheckedIOException("not a JSON document: " + line, e);
                }
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    public static List<Datum> data(String output) {
        List<Datum> data = new ArrayList<>();
        for (Map<String, Object> document : documents(output)) {
            Map<String, Object> aws = (Map<String, Object>) document.get("_aws");
            long timestamp = ((Number) aws.get("Timestamp")).longValue();
            for (Map<String, Object> directive : (List<Map<String, Object>>) aws.get("CloudWatchMetrics")) {
                String namespace = (String) directive.get("Namespace");
                for (List<String> dimensionSet : (List<List<String>>) directive.get("Dimensions")) {
                    Map<String, String> dimensions = new LinkedHashMap<>();
                    for (String key : dimensionSet) {
                        dimensions.put(key, (String) document.get(key));
                    }
                    for (Map<String, Object> metric : (List<Map<String, Object>>) directive.get("Metrics")) {
                        String name = (String) metric.get("Name");
                        data.add(new Datum(namespace, name, (String) metric.get("Unit"), Map.copyOf(dimensions),
                                ((Number) document.get(name)).doubleValue(), timestamp));
                    }
                }
            }
        }
        return data;
    }
}
