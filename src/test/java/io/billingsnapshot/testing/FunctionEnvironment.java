package io.billingsnapshot.testing;

import java.util.HashMap;
import java.util.Map;

/** The environment variables of the function pointed at a test database and a test SQS server. */
public final class FunctionEnvironment {

    private FunctionEnvironment() {
    }

    /**
     * Password auth and no TLS (the embedded server has no certificate); a mutable map, so a
     * test can add or override variables.
     */
    public static Map<String, String> local(TestDatabase.Db db, TestSqs sqs, String deltaQueueUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("DB_URL", db.url());
        env.put("DB_USER", db.user());
        env.put("DB_AUTH", "password");
        env.put("DB_PASSWORD", db.password());
        env.put("DB_SSL_MODE", "disable");
        env.put("QUOTA_DELTA_QUEUE_URL", deltaQueueUrl);
        env.put("SQS_ENDPOINT_URL", sqs.endpoint().toString());
        return env;
    }
}
