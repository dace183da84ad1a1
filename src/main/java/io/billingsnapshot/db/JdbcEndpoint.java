package io.billingsnapshot.db;

import static io.billingsnapshot.config.EnvVars.DB_URL;

import io.billingsnapshot.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Host, port and database of a single-host {@code jdbc:postgresql://host[:port]/database} URL.
 * The IAM token is signed for exactly this host and port, so they must be unambiguous.
 */
public record JdbcEndpoint(String host, int port, String database) {

    public static final int DEFAULT_PORT = 5432;
    private static final String PREFIX = "jdbc:postgresql://";

    /** Parses DB_URL; anything but one host, an optional port and a database name is refused. */
    public static JdbcEndpoint parse(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            throw invalid("must be a jdbc:postgresql://host[:port]/database URL");
        }
        URI uri;
        try {
            uri = new URI(url.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            throw invalid("is not a valid URL");
        }
        if (uri.getHost() == null) {
            throw invalid("must name exactly one host (multi-host URLs are not supported)");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid("must not carry credentials: use DB_USER and DB_AUTH");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            // pgjdbc lets URL parameters override the properties this function sets (TLS mode,
            // prepareThreshold, timeouts...), so one stray parameter could undo them silently.
            throw invalid("must not carry connection parameters: the function sets them (docs/database.md)");
        }
        String path = uri.getPath();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            throw invalid("must end with /<database>");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        return new JdbcEndpoint(uri.getHost(), port, path.substring(1));
    }

    /** The URL itself is never repeated: it may hold a password (the very thing refused here). */
    private static ConfigException invalid(String problem) {
        return new ConfigException(DB_URL + " " + problem);
    }
}
