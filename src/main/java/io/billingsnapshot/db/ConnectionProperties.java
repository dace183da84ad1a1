package io.billingsnapshot.db;

import java.util.Properties;

/**
 * The pgjdbc properties of every connection, in one place. Each one is there so that RDS Proxy
 * can multiplex the connection (nothing that pins it to one database backend) and so that no
 * wait is unbounded. The password is added by the caller, per connection, and never kept here.
 */
final class ConnectionProperties {

    static final String APPLICATION_NAME = "billing-snapshot-lambda";
    static final String DEFAULT_JAVA_SSL_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";
    static final String LIBPQ_SSL_FACTORY = "org.postgresql.ssl.LibPQFactory";

    private ConnectionProperties() {
    }

    static Properties of(DatabaseSettings settings) {
        Properties p = new Properties();
        p.setProperty("user", settings.user());

        // No named server-side prepared statements: they are session state and pin the
        // connection; unnamed ones are per-message and safe.
        p.setProperty("prepareThreshold", "0");
        // With a known server version, pgjdbc sends extra_float_digits and application_name in the
        // startup packet instead of issuing "SET ..." after connecting (a SET pins the connection).
        p.setProperty("assumeMinServerVersion", "10");
        p.setProperty("ApplicationName", APPLICATION_NAME);
        // pgjdbc's default already; written out because an automatic savepoint per statement
        // would double the round trips.
        p.setProperty("autosave", "never");
        // The server's error detail quotes row values ("Key (api_key_id)=(...)"): keep them out of
        // exception messages, which end up in logs. The constraint and SQLState fields stay.
        p.setProperty("logServerErrorDetail", "false");
        // No Kerberos lookup at connect: RDS Proxy does not offer GSS encryption.
        p.setProperty("gssEncMode", "disable");

        DatabaseTimeouts t = settings.timeouts();
        p.setProperty("connectTimeout", Long.toString(t.connect().toSeconds()));
        p.setProperty("sslResponseTimeout", Long.toString(t.connect().toMillis()));
        p.setProperty("loginTimeout", Long.toString(t.login().toSeconds()));
        p.setProperty("socketTimeout", Long.toString(t.socket().toSeconds()));
        if (t.sendsStatementTimeout()) {
            // A startup parameter, not a SET. RDS Proxy refuses startup options, so this is for
            // direct connections; behind the proxy the timeout is a setting of the role.
            p.setProperty("options", "-c statement_timeout=" + t.statement().toMillis());
        }

        SslMode mode = settings.sslMode();
        p.setProperty("sslmode", mode.value());
        if (mode.verifiesCertificate() && settings.sslRootCert().isEmpty()) {
            // The JVM trust store validates the ACM-issued certificates of RDS Proxy.
            p.setProperty("sslfactory", DEFAULT_JAVA_SSL_FACTORY);
        } else if (mode != SslMode.DISABLE) {
            p.setProperty("sslfactory", LIBPQ_SSL_FACTORY);
            settings.sslRootCert().ifPresent(root -> p.setProperty("sslrootcert", root.toString()));
        }
        return p;
    }
}
