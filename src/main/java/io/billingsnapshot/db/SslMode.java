package io.billingsnapshot.db;

import io.billingsnapshot.config.ConfigException;

/**
 * How the server's TLS certificate is checked; the values are pgjdbc's (and libpq's) sslmode.
 * {@code allow} and {@code prefer} are not offered: they fall back to plain text silently.
 */
public enum SslMode {
    /** Plain text. Local runs and tests only. */
    DISABLE("disable"),
    /** Encrypted, but any certificate is accepted: a man in the middle is not detected. */
    REQUIRE("require"),
    /** The certificate chains to a trusted root, but it may have been issued for another host. */
    VERIFY_CA("verify-ca"),
    /** The certificate chains to a trusted root and names the host we connect to. The default. */
    VERIFY_FULL("verify-full");

    private final String value;

    SslMode(String value) {
        this.value = value;
    }

    /** The value of pgjdbc's {@code sslmode} property. */
    public String value() {
        return value;
    }

    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    static SslMode parse(String variable, String text) {
        for (SslMode mode : values()) {
            if (mode.value.equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new ConfigException(variable + " must be one of disable, require, verify-ca, verify-full, got '"
                + text + "'");
    }

    @Override
    public String toString() {
        return value;
    }
}
