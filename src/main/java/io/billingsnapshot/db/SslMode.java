package io.billingsnapshot.db;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.wire.WireName;

/**
 * How the server's TLS certificate is checked; the values are pgjdbc's (and libpq's) sslmode.
 * {@code allow} and {@code prefer} are not offered: they fall back to plain text silently.
 */
public enum SslMode implements WireName {
    /** Plain text. Local runs and tests only. */
    DISABLE,
    /** Encrypted, but any certificate is accepted: a man in the middle is not detected. */
    REQUIRE,
    /** The certificate chains to a trusted root, but it may have been issued for another host. */
    VERIFY_CA,
    /** The certificate chains to a trusted root and names the host we connect to. The default. */
    VERIFY_FULL;

    /** The value of pgjdbc's {@code sslmode} property: the wire name, with hyphens. */
    public String value() {
        return wireName().replace('_', '-');
    }

    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    static SslMode parse(String variable, String text) {
        for (SslMode mode : values()) {
            if (mode.value().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new ConfigException(variable + " must be one of disable, require, verify-ca, verify-full, got '"
                + text + "'");
    }

    @Override
    public String toString() {
        return value();
    }
}
