package io.billingsnapshot.quota;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Ends an SDK call at the last moment before it would be sent: after the request was marshalled,
 * signed and handed to the retry and timeout stages, before the HTTP client opens a connection.
 * It is added to one request (a request-level plugin), never to a client, so no other call of
 * that client can be stopped by it, and no client can send a request that carries it.
 */
final class StopBeforeTransmission implements ExecutionInterceptor {

    /** Adds the interceptor to the configuration of the one request that carries it. */
    static final SdkPlugin PLUGIN =
            config -> config.overrideConfiguration(o -> o.addExecutionInterceptor(new StopBeforeTransmission()));

    /** Placeholder credentials: the request is signed, and never sent. */
    static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "never-sent"));

    /** How the call ends; the SDK does not retry it. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped before transmission", null, false, false);
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        throw new Stopped();
    }
}
