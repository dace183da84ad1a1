package io.billingsnapshot.config;

/** A missing or malformed environment variable; the message names the variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
