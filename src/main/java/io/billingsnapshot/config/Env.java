package io.billingsnapshot.config;

import java.time.Duration;
import java.util.Map;

/** Typed reads of the environment map, each failing with a message that names the variable. */
public final class Env {

    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public String required(String name) {
        String value = optional(name, null);
        if (value == null) {
            throw new ConfigException(name + " is required but not set");
        }
        return value;
    }

    public String optional(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The name a renamed variable is read under: its own, unless only its former name is set. */
    public String renamed(String name, String formerName) {
        return optional(name, null) == null && optional(formerName, null) != null ? formerName : name;
    }

    public int integer(String name, int fallback, int min, int max) {
        String value = optional(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be an integer, got '" + value + "'");
        }
    }

    /** A duration given in whole seconds. */
    public Duration seconds(String name, Duration fallback, long minSeconds, long maxSeconds) {
        return Duration.ofSeconds(integer(name, (int) fallback.toSeconds(), (int) minSeconds, (int) maxSeconds));
    }

    public <E extends Enum<E>> E oneOf(String name, Class<E> type, E fallback) {
        String value = optional(name, null);
        if (value == null) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new ConfigException(name + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                .toLowerCase(java.util.Locale.ROOT) + ", got '" + value + "'");
    }
}
