package io.billingsnapshot.db;

import static io.billingsnapshot.config.EnvVars.AWS_REGION;
import static io.billingsnapshot.config.EnvVars.DB_AUTH;
import static io.billingsnapshot.config.EnvVars.DB_PASSWORD;
import static io.billingsnapshot.config.EnvVars.DB_URL;
import static io.billingsnapshot.config.EnvVars.DB_USER;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.config.Env;

/** How to reach PostgreSQL (through RDS Proxy in production), validated at start. */
public record DatabaseSettings(String url, String user, AuthMode auth, String password, String region) {

    public enum AuthMode { IAM, PASSWORD }

    public static DatabaseSettings fromEnvironment(Env env) {
        String url = env.required(DB_URL);
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException(DB_URL + " must be a jdbc:postgresql:// URL");
        }
        String user = env.required(DB_USER);
        AuthMode auth = env.oneOf(DB_AUTH, AuthMode.class, AuthMode.IAM);
        String password = auth == AuthMode.PASSWORD ? env.required(DB_PASSWORD) : null;
        String region = auth == AuthMode.IAM ? env.required(AWS_REGION) : env.optional(AWS_REGION, null);
        return new DatabaseSettings(url, user, auth, password, region);
    }

    @Override
    public String toString() {
        // Never print the password.
        return "DatabaseSettings[url=" + url + ", user=" + user + ", auth=" + auth + "]";
    }
}
