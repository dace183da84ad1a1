package io.billingsnapshot.db;

import static io.billingsnapshot.config.EnvVars.AWS_REGION;
import static io.billingsnapshot.config.EnvVars.DB_AUTH;
import static io.billingsnapshot.config.EnvVars.DB_CONNECT_TIMEOUT_SECONDS;
import static io.billingsnapshot.config.EnvVars.DB_LOGIN_TIMEOUT_SECONDS;
import static io.billingsnapshot.config.EnvVars.DB_PASSWORD;
import static io.billingsnapshot.config.EnvVars.DB_SOCKET_TIMEOUT_SECONDS;
import static io.billingsnapshot.config.EnvVars.DB_SSL_MODE;
import static io.billingsnapshot.config.EnvVars.DB_SSL_ROOT_CERT;
import static io.billingsnapshot.config.EnvVars.DB_STATEMENT_TIMEOUT_SECONDS;
import static io.billingsnapshot.config.EnvVars.DB_URL;
import static io.billingsnapshot.config.EnvVars.DB_USER;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.config.Env;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach PostgreSQL (through RDS Proxy in production), validated at start.
 *
 * @param password    only for {@link AuthMode#PASSWORD}; null with IAM, whose tokens are never stored
 * @param region      the AWS region the IAM token is signed for; may be null with a password
 * @param sslRootCert a PEM file of trusted roots for pgjdbc's LibPQFactory; empty means the JVM
 *                    trust store (DefaultJavaSSLFactory), which validates RDS Proxy's ACM certificates
 */
public record DatabaseSettings(
        String url,
        String user,
        AuthMode auth,
        String password,
        String region,
        SslMode sslMode,
        Optional<Path> sslRootCert,
        DatabaseTimeouts timeouts) {

    public enum AuthMode { IAM, PASSWORD }

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(sslMode, "sslMode");
        Objects.requireNonNull(sslRootCert, "sslRootCert");
        Objects.requireNonNull(timeouts, "timeouts");
        if (auth == AuthMode.IAM && region == null) {
            throw new IllegalArgumentException("IAM authentication needs a region");
        }
        if (auth == AuthMode.PASSWORD && password == null) {
            throw new IllegalArgumentException("password authentication needs a password");
        }
        if (auth == AuthMode.IAM && sslMode != SslMode.VERIFY_FULL) {
            throw new IllegalArgumentException("IAM authentication needs verify-full TLS");
        }
    }

    /** Verified TLS and the default timeouts: what production would get from an empty environment. */
    public DatabaseSettings(String url, String user, AuthMode auth, String password, String region) {
        this(url, user, auth, password, region, SslMode.VERIFY_FULL, Optional.empty(), DatabaseTimeouts.DEFAULTS);
    }

    public static DatabaseSettings fromEnvironment(Env env) {
        String url = env.required(DB_URL);
        JdbcEndpoint.parse(url); // fails on anything but host, port and database
        String user = env.required(DB_USER);
        AuthMode auth = env.oneOf(DB_AUTH, AuthMode.class, AuthMode.IAM);
        String password = env.optional(DB_PASSWORD, null);
        if (auth == AuthMode.PASSWORD && password == null) {
            throw new ConfigException(DB_PASSWORD + " is required when " + DB_AUTH + "=password");
        }
        if (auth == AuthMode.IAM && password != null) {
            throw new ConfigException(DB_PASSWORD + " must not be set when " + DB_AUTH
                    + "=iam: a fresh IAM token is the password of each connection");
        }
        String region = auth == AuthMode.IAM ? region(env.required(AWS_REGION)) : env.optional(AWS_REGION, null);
        SslMode sslMode = SslMode.parse(DB_SSL_MODE, env.optional(DB_SSL_MODE, SslMode.VERIFY_FULL.value()));
        Optional<Path> rootCert = Optional.ofNullable(env.optional(DB_SSL_ROOT_CERT, null))
                .map(DatabaseSettings::rootCertificateFile);
        if (rootCert.isPresent() && !sslMode.verifiesCertificate()) {
            throw new ConfigException(DB_SSL_ROOT_CERT + " is only used with " + DB_SSL_MODE
                    + "=verify-ca or verify-full, but " + DB_SSL_MODE + " is " + sslMode);
        }
        if (auth == AuthMode.IAM && sslMode != SslMode.VERIFY_FULL) {
            throw new ConfigException(DB_SSL_MODE + " must be verify-full when " + DB_AUTH + "=iam (the default), got "
                    + sslMode + ": an IAM token sent over a connection whose server is not verified can be"
                    + " replayed for 15 minutes");
        }
        return new DatabaseSettings(url, user, auth, auth == AuthMode.PASSWORD ? password : null, region,
                sslMode, rootCert, timeouts(env));
    }

    /** Host, port and database of {@link #url()}. */
    public JdbcEndpoint endpoint() {
        return JdbcEndpoint.parse(url);
    }

    private static DatabaseTimeouts timeouts(Env env) {
        DatabaseTimeouts defaults = DatabaseTimeouts.DEFAULTS;
        Duration connect = env.seconds(DB_CONNECT_TIMEOUT_SECONDS, defaults.connect(), 1, 60);
        Duration login = env.seconds(DB_LOGIN_TIMEOUT_SECONDS, defaults.login(), 1, 120);
        Duration socket = env.seconds(DB_SOCKET_TIMEOUT_SECONDS, defaults.socket(), 1, 600);
        Duration statement = env.seconds(DB_STATEMENT_TIMEOUT_SECONDS, defaults.statement(), 0, 599);
        if (!statement.isZero() && statement.compareTo(socket) >= 0) {
            throw new ConfigException(DB_STATEMENT_TIMEOUT_SECONDS + " (" + statement.toSeconds()
                    + ") must be shorter than " + DB_SOCKET_TIMEOUT_SECONDS + " (" + socket.toSeconds()
                    + "), so the server cancels a slow statement before the client gives the connection up");
        }
        return new DatabaseTimeouts(connect, login, socket, statement);
    }

    private static String region(String value) {
        if (!REGION.matcher(value).matches()) {
            throw new ConfigException(AWS_REGION + " must be an AWS region such as eu-west-1, got '" + value + "'");
        }
        return value;
    }

    /** Reads the file once at start, so a wrong path or a non-certificate fails the init, not a batch. */
    private static Path rootCertificateFile(String value) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(DB_SSL_ROOT_CERT + " is not a valid path, got '" + value + "'");
        }
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new ConfigException(DB_SSL_ROOT_CERT + " holds no certificate: " + path);
            }
        } catch (IOException e) {
            throw new ConfigException(DB_SSL_ROOT_CERT + " must name a readable PEM file, got '" + value + "'");
        } catch (CertificateException e) {
            throw new ConfigException(DB_SSL_ROOT_CERT + " must hold PEM certificates: " + path);
        }
        return path.toAbsolutePath();
    }

    @Override
    public String toString() {
        // Never print the password.
        return "DatabaseSettings[url=" + url + ", user=" + user + ", auth=" + auth + ", region=" + region
                + ", sslMode=" + sslMode + ", sslRootCert=" + sslRootCert.map(Path::toString).orElse("JVM trust store")
                + ", timeouts=" + timeouts + "]";
    }
}
