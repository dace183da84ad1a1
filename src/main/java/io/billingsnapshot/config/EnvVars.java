package io.billingsnapshot.config;

/** Every environment variable the function reads, in one place (docs/design.md §2). */
public final class EnvVars {

    private EnvVars() {
    }

    // Database (db package)
    public static final String DB_URL = "DB_URL";
    public static final String DB_USER = "DB_USER";
    public static final String DB_AUTH = "DB_AUTH";
    public static final String DB_PASSWORD = "DB_PASSWORD";
    /** disable | require | verify-ca | verify-full (default): how the server's TLS certificate is checked. */
    public static final String DB_SSL_MODE = "DB_SSL_MODE";
    /** Optional PEM file of the root certificate(s) to trust instead of the JVM trust store. */
    public static final String DB_SSL_ROOT_CERT = "DB_SSL_ROOT_CERT";
    /** Seconds to establish the TCP connection (also bounds the pre-use validation round trip). */
    public static final String DB_CONNECT_TIMEOUT_SECONDS = "DB_CONNECT_TIMEOUT_SECONDS";
    /** Seconds for the whole login: TCP, TLS handshake and authentication. */
    public static final String DB_LOGIN_TIMEOUT_SECONDS = "DB_LOGIN_TIMEOUT_SECONDS";
    /** Seconds the client waits for any answer from the server before it gives the connection up. */
    public static final String DB_SOCKET_TIMEOUT_SECONDS = "DB_SOCKET_TIMEOUT_SECONDS";
    /** Seconds of server-side statement_timeout sent in the startup packet; 0 (default) sends none. */
    public static final String DB_STATEMENT_TIMEOUT_SECONDS = "DB_STATEMENT_TIMEOUT_SECONDS";

    // Quota deltas and the outbox
    public static final String QUOTA_DELTA_QUEUE_URL = "QUOTA_DELTA_QUEUE_URL";
    public static final String SQS_ENDPOINT_URL = "SQS_ENDPOINT_URL";
    /** Seconds a just-written delta is reserved for its own invocation before any sweep may publish it. */
    public static final String OUTBOX_LEASE_SECONDS = "OUTBOX_LEASE_SECONDS";
    /** Most pending deltas one claim of the outbox sweep takes; the sweep claims again while it has time. */
    public static final String OUTBOX_SWEEP_LIMIT = "OUTBOX_SWEEP_LIMIT";
    /** Largest quota-delta message, in UTF-8 bytes: the deltas published are packed into messages up to it. */
    public static final String QUOTA_DELTA_MAX_MESSAGE_BYTES = "QUOTA_DELTA_MAX_MESSAGE_BYTES";

    /** Milliseconds before the Lambda timeout at which record processing stops (the rest are reported failed). */
    public static final String DEADLINE_RESERVE_MILLIS = "DEADLINE_RESERVE_MILLIS";

    // The write engine
    /** Smallest batch written as one set, the whole batch; smaller ones are written as sets of one (0: always). */
    public static final String WHOLE_BATCH_MIN_SIZE = "WHOLE_BATCH_MIN_SIZE";
    /** The former name of {@link #WHOLE_BATCH_MIN_SIZE}, still read where the new one is not set. */
    public static final String FAST_PATH_MIN_BATCH_SIZE = "FAST_PATH_MIN_BATCH_SIZE";
    /** Seconds a billedAt may lie ahead of the function's clock before the message is invalid. */
    public static final String MAX_FUTURE_SKEW_SECONDS = "MAX_FUTURE_SKEW_SECONDS";
    /** Days a billedAt may lie behind the function's clock before the message is invalid: older is outside every quota window. */
    public static final String MAX_BILLED_AT_AGE_DAYS = "MAX_BILLED_AT_AGE_DAYS";

    // Observability
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
    public static final String LOG_LEVEL = "LOG_LEVEL";

    // Set by Lambda
    public static final String AWS_REGION = "AWS_REGION";
}
