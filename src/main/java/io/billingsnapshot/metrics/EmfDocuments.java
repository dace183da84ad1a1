package io.billingsnapshot.metrics;

import io.billingsnapshot.config.ConfigException;
import io.billingsnapshot.config.EnvVars;
import io.billingsnapshot.logging.JsonLog;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.exception.InvalidNamespaceException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;

/** Where the function's EMF documents go: one namespace, one output, stamped by one clock. */
record EmfDocuments(String namespace, Environment environment, Clock clock) {

    private static final String REQUEST_ID_PROPERTY = "requestId";

    /**
     * Documents of {@code namespace} written to {@code out}.
     *
     * @throws ConfigException naming {@value EnvVars#METRICS_NAMESPACE} when CloudWatch would
     *     reject the namespace, so a bad value fails the init rather than every flush
     */
    static EmfDocuments of(String namespace, PrintStream out, Clock clock) {
        Environment environment = new PrintStreamEnvironment(out);
        try {
            new MetricsLogger(environment).setNamespace(namespace);
        } catch (InvalidNamespaceException | NullPointerException e) {
            throw new ConfigException(EnvVars.METRICS_NAMESPACE + " is not a valid CloudWatch namespace: '"
                    + namespace + "' (letters, digits and . _ # : / - only)");
        }
        return new EmfDocuments(namespace, environment, clock);
    }

    /** A document stamped {@code now}, carrying the invocation's request id: every one we write. */
    MetricsLogger document(Instant now) {
        MetricsLogger document = new MetricsLogger(environment).setNamespace(namespace).setTimestamp(now);
        JsonLog.requestId().ifPresent(id -> document.putProperty(REQUEST_ID_PROPERTY, id));
        return document;
    }
}
