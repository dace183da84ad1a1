package io.billingsnapshot.db;

import io.billingsnapshot.config.Env;

/** Run in a fresh JVM by {@link TlsConnectionTest}: connects as production does, from the environment. */
public final class TlsProbe {

    static final String CONNECTED_WITH_TLS = "probe: connected with TLS";

    private TlsProbe() {
    }

    public static void main(String[] args) throws Exception {
        DatabaseSettings settings = DatabaseSettings.fromEnvironment(new Env(System.getenv()));
        try (DatabaseConnections connections = new DatabaseConnections(settings)) {
            if (TlsConnectionTest.sslOfThisSession(connections.get())) {
                System.out.println(CONNECTED_WITH_TLS);
            }
        }
    }
}
